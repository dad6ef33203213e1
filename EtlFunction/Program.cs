using EtlFunction.Cli;

// Mode switch only. CLI mode for now; Lambda mode (AWS_LAMBDA_RUNTIME_API set) arrives with the Lambda host.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var code = await CliApp.RunAsync(args, Console.In, Console.Out, Console.Error, cts.Token);
EtlFunction.Cli.PeakMemory.ReportIfAsked();
return code;
