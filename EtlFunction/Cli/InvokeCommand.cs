using System.Text.Json;
using EtlFunction.Configuration;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// <c>invoke STEP</c>: runs one step as Step Functions would — the event or run state JSON on
/// stdin, the result JSON on stdout — against the local store and database. Lets a user replay
/// or debug one step of a run without AWS.
/// </summary>
public static class InvokeCommand
{
    public const string Usage = "invoke plan|preprocess|piece|merge|load|archive|finalize|quarantine [--store DIR] [--db FILE] [--s3 ...] [--mysql CONN] [--contracts DIR] [--contract FILE] [--parallel N]  (JSON on stdin)";
    /// <summary>The handlers: the state machine's steps, each also a Lambda handler (<c>plan</c>, <c>piece</c> and <c>merge</c> serve the Distributed Map).</summary>
    public static readonly string[] Steps = ["plan", "preprocess", "piece", "merge", "load", "archive", "finalize", "quarantine"];

    public static async Task<int> RunAsync(Args args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Positionals.Count != 1 || !Steps.Contains(args.Positionals[0])) throw new UsageException("usage: EtlFunction " + Usage);
        var settings = PipelineSettings.FromArgs(args, Environment.GetEnvironmentVariable);
        var parallel = RunCommand.ParallelOption(args);
        args.EnsureAllUsed();
        var ctx = settings.CreateContext(stderr.WriteLine, parallel: parallel);
        var input = await stdin.ReadToEndAsync(ct).ConfigureAwait(false);
        var result = await InvokeAsync(ctx, args.Positionals[0], input, ct).ConfigureAwait(false);
        await stdout.WriteLineAsync(result).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Dispatches one step by name: the same entry point the Lambda host uses.</summary>
    public static async Task<string> InvokeAsync(StepContext ctx, string step, string input, CancellationToken ct)
    {
        object result = step switch
        {
            "preprocess" => await PreprocessStep.RunAsync(ctx, StepEvents.ParsePreprocess(input), ct).ConfigureAwait(false),
            "load" => await LoadStep.RunAsync(ctx, StepEvents.ParseState(input), ct).ConfigureAwait(false),
            "archive" => await Archive(ctx, input, ct).ConfigureAwait(false),
            "piece" => await PieceStep.RunAsync(ctx, StepEvents.ParseSplit<PieceInput>(input, "piece"), ct).ConfigureAwait(false),
            "merge" => await MergeStep.RunAsync(ctx, StepEvents.ParseSplit<MergeInput>(input, "merge").Run, ct).ConfigureAwait(false),
            "finalize" => await FinalizeStep.RunAsync(ctx, StepEvents.ParseState(input), ct).ConfigureAwait(false),
            "plan" => await PlanStep.RunAsync(ctx, PlanInput.Parse(input), ct).ConfigureAwait(false),
            "quarantine" => await Quarantine(ctx, input, ct).ConfigureAwait(false),
            _ => throw new UsageException($"unknown step '{step}'"),
        };
        return JsonSerializer.Serialize(result, result.GetType(), Json.Options);
    }

    private static async Task<RunState> Archive(StepContext ctx, string input, CancellationToken ct)
    {
        var (state, part) = StepEvents.ParseArchive(input);
        return await ArchiveStep.RunAsync(ctx, state, part, ct).ConfigureAwait(false);
    }

    private static async Task<ObjectRef> Quarantine(StepContext ctx, string input, CancellationToken ct)
    {
        var (bucket, key, etag, failure) = StepEvents.ParseQuarantine(input);
        return await QuarantineStep.RunAsync(ctx, bucket, key, etag, failure, ct).ConfigureAwait(false);
    }
}
