using EtlFunction.Database;

namespace EtlFunction.Steps;

/// <summary>
/// Lets <c>run</c> load and archive while it still cleans (issue #13). On the single pass the cleaner's processed
/// output only ever receives final rows — with dedupe <c>keep_last</c> too, whose rows reach it in the copy pass
/// after the scan — so the load (<see cref="StreamedLoad"/>) and the Parquet writer (<see cref="StreamedArchive"/>)
/// can read it as it is written, through bounded pipes (<see cref="TeeStream"/>), rather than read the processed
/// object back after preprocess. Both commit only after preprocess has returned; a preprocess failure rolls the
/// load back and drops the archive, as in the state machine's order. Split runs (<c>--parallel</c>) do not stream.
/// </summary>
internal sealed class StreamedRun(StepContext ctx)
{
    public StreamedLoad Load { get; } = new(ctx);
    public StreamedArchive Archive { get; } = new(ctx);

    /// <summary>True once a consumer runs beside preprocess.</summary>
    public bool Started => Load.Started || Archive.Started;

    /// <summary>
    /// Called by preprocess as cleaning begins: returns the stream the cleaner writes (the processed object and,
    /// from its first write on, the load's and the archive's pipes), or <paramref name="processed"/> alone when
    /// the run is split.
    /// </summary>
    public Stream Begin(LoadRequest request, string dataset, string archiveFallbackDt, bool singlePass, Stream processed, CancellationToken ct)
    {
        if (!singlePass) return processed;
        return new TeeStream(processed,
        [
            () => Load.Begin(request, ct),
            () => Archive.Begin(request.Contract, dataset, request.RunId, archiveFallbackDt, ct),
        ]);
    }

    /// <summary>After preprocess failed, or wrote no rows: rolls the load back and drops the archive.</summary>
    public async Task AbandonAsync(Exception? cause)
    {
        await Load.AbandonAsync(cause).ConfigureAwait(false);
        await Archive.AbandonAsync(cause).ConfigureAwait(false);
    }
}
