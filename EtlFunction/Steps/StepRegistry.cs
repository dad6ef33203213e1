namespace EtlFunction.Steps;

/// <summary>
/// The handlers: the state machine's steps, each also a Lambda handler (<c>plan</c>, <c>piece</c> and
/// <c>merge</c> serve the Distributed Map). The one list the CLI (<c>invoke</c>, its help), the Lambda
/// host (<c>_HANDLER</c>) and the metrics read; a test holds the README, <c>events/</c>,
/// <c>template.yaml</c> and the ASL to it.
/// </summary>
public static class StepRegistry
{
    public static IReadOnlyList<StepHandler> All { get; } =
    [
        StepHandler.Create("plan", "single path or pieces for the Distributed Map",
            (ctx, json) => PlanInput.Parse(json, ctx.SplitDefaults), PlanStep.RunAsync),
        StepHandler.Create("preprocess", "clean the landing object into the processed CSV and rejects",
            (_, json) => StepEvents.ParsePreprocess(json), PreprocessStep.RunAsync,
            s => [
                .. CleanedCounts(s),
                Metric.Count(Metric.RowsFiltered, s.RowsFiltered),
                Metric.Bytes(Metric.BytesRead, s.Source.Size),
                Metric.Bytes(Metric.BytesWritten, (s.Processed?.Size ?? 0) + (s.Rejects?.Size ?? 0)),
            ]),
        StepHandler.Create("piece", "clean one piece of a split run",
            (_, json) => StepEvents.ParseSplit(json, Json.Context.PieceInput, "piece"), PieceStep.RunAsync),
        StepHandler.Create("merge", "dedupe a split run's pieces in file order",
            (_, json) => StepEvents.ParseSplit(json, Json.Context.MergeInput, "merge").Run, MergeStep.RunAsync),
        StepHandler.Create("load", "load the processed rows into the database",
            (_, json) => StepEvents.ParseState(json), LoadStep.RunAsync,
            s => [
                Metric.Count(Metric.RowsLoaded, s.AlreadyLoaded == true ? 0 : s.RowsLoaded),
                Metric.Bytes(Metric.BytesRead, s.Processed?.Size),
            ]),
        StepHandler.Create("archive", "write the processed rows as Parquet",
            (_, json) => StepEvents.ParseArchive(json), (ctx, a, ct) => ArchiveStep.RunAsync(ctx, a.State, a.Part, ct),
            s => [
                Metric.Count(Metric.RowsWritten, s.Archive?.Sum(a => a.Rows)),
                Metric.Bytes(Metric.BytesRead, s.Processed?.Size),
            ]),
        StepHandler.Create("finalize", "write the run manifest",
            (_, json) => StepEvents.ParseState(json), FinalizeStep.RunAsync,
            s => [
                .. CleanedCounts(s),
                Metric.Count(Metric.RowsLoaded, s.RowsLoaded),
                Metric.Percent(Metric.RejectedPercent, s.RowsRejected, s.RowsRead),
            ]),
        StepHandler.Create("quarantine", "copy a failed source and its error.json aside",
            (_, json) => StepEvents.ParseQuarantine(json), (ctx, q, ct) => QuarantineStep.RunAsync(ctx, q.Bucket, q.Key, q.ETag, q.Failure, ct)),
    ];

    /// <summary>The cleaner's counts, reported by preprocess and again (for the whole run) by finalize.</summary>
    private static Metric?[] CleanedCounts(RunState s) =>
    [
        Metric.Count(Metric.RowsRead, s.RowsRead),
        Metric.Count(Metric.RowsWritten, s.RowsWritten),
        Metric.Count(Metric.RowsRejected, s.RowsRejected),
    ];

    /// <summary>The handler names, in the state machine's order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(h => h.Name).ToArray();

    /// <summary>The handler a name denotes (case-insensitive, surrounding blanks ignored), or null.</summary>
    public static StepHandler? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(h => string.Equals(h.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
