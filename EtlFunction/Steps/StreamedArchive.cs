using System.IO.Pipelines;
using EtlFunction.Contracts;

namespace EtlFunction.Steps;

/// <summary>
/// The archive half of a streamed <c>run</c> (<see cref="StreamedRun"/>): the Parquet writer reads the processed
/// CSV from a <see cref="BoundedPipe"/> as the cleaner writes it, instead of reading the processed object back
/// after preprocess. Its input ends only when preprocess has returned, so the Parquet files are committed only
/// after a complete, successful preprocess; a failed one ends the input with an error and no file is committed.
/// </summary>
internal sealed class StreamedArchive(StepContext ctx)
{
    private readonly PipedConsumer<List<ArchiveRef>> _consumer = new();

    /// <summary>True once the archive runs beside preprocess.</summary>
    public bool Started => _consumer.Started;

    /// <summary>Called as cleaning begins: starts the Parquet writer and returns the pipe the cleaner's output goes into.</summary>
    public PipeWriter Begin(DatasetContract contract, string dataset, string runId, string fallbackDt, CancellationToken ct)
    {
        var pipe = _consumer.Start(rows => ArchiveStep.WriteAsync(ctx, rows, contract, dataset, runId, fallbackDt, null, ct));
        ctx.Log("archive: writing Parquet while cleaning");
        return pipe;
    }

    /// <summary>
    /// After preprocess succeeded with <paramref name="cleaned"/>: ends the writer's input, waits for its files and
    /// returns the run state with them, checked against the rows preprocess wrote, as <see cref="ArchiveStep"/> does.
    /// </summary>
    public async Task<RunState> CompleteAsync(RunState cleaned)
    {
        var refs = await _consumer.CompleteAsync().ConfigureAwait(false);
        return ArchiveStep.Finish(ctx, cleaned, null, refs, cleaned.RowsWritten, _consumer.Elapsed);
    }

    /// <summary>After preprocess failed, or wrote no rows: ends the writer's input with an error, so no file is committed.</summary>
    public Task AbandonAsync(Exception? cause) => _consumer.AbandonAsync(ctx, "archive", "dropped", cause);
}
