using EtlFunction.Cli;
using EtlFunction.Lambda;

// Mode switch only: Lambda mode when the Runtime API is there (AWS_LAMBDA_RUNTIME_API), the CLI otherwise.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
if (LambdaMode.IsActive(Environment.GetEnvironmentVariable))
{
    return await LambdaMode.RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, cts.Token);
}
var code = await CliApp.RunAsync(args, Console.In, Console.Out, Console.Error, cts.Token);
EtlFunction.Cli.PeakMemory.ReportIfAsked();
return code;
