using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// <c>invoke STEP</c>: runs one step as Step Functions would — the event or run state JSON on
/// stdin, the result JSON on stdout — against the local store and database. Lets a user replay
/// or debug one step of a run without AWS.
/// </summary>
public static class InvokeCommand
{
    public static readonly string Usage = $"invoke {string.Join('|', StepRegistry.Names)} [--store DIR] [--db FILE] [--s3 [--landing-bucket B --processed-bucket B --archive-bucket B]] [--mysql CONN] [--contracts DIR] [--contract FILE] [--contract-store STORE] [--parallel N]  (JSON on stdin)";

    /// <summary>The handler names (<see cref="StepRegistry.Names"/>); kept for callers that read them from the CLI.</summary>
    public static readonly string[] Steps = [.. StepRegistry.Names];

    public static async Task<int> RunAsync(Args args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        Database.LoadProfile.Mark("main");
        var handler = args.Positionals.Count == 1 ? StepRegistry.All.FirstOrDefault(h => h.Name == args.Positionals[0]) : null;
        if (handler is null) throw new UsageException("usage: EtlFunction " + Usage);
        var settings = CliSettings.FromArgs(args, Environment.GetEnvironmentVariable);
        var parallel = RunCommand.ParallelOption(args);
        args.EnsureAllUsed();
        Database.LoadProfile.Mark("settingsCli");
        var ctx = settings.CreateContext(stderr.WriteLine, parallel: parallel);
        Database.LoadProfile.Mark("context");
        var input = await stdin.ReadToEndAsync(ct).ConfigureAwait(false);
        Database.LoadProfile.Mark("stdin");
        var result = await handler.InvokeAsync(ctx, input, ct).ConfigureAwait(false);
        await stdout.WriteLineAsync(result.Json).ConfigureAwait(false);
        return 0;
    }
}
