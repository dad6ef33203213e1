using System.Diagnostics;
using System.IO.Pipelines;
using EtlFunction.Contracts;

namespace EtlFunction.Steps;

/// <summary>
/// The archive half of a streamed <c>run</c> (<see cref="StreamedRun"/>): the Parquet writer reads the processed
/// CSV from a bounded pipe as the cleaner writes it, instead of reading the processed object back after
/// preprocess. Its input ends only when preprocess has returned, so the Parquet files are committed only after a
/// complete, successful preprocess; a failed one ends the input with an error and no file is committed.
/// </summary>
internal sealed class StreamedArchive(StepContext ctx)
{
    private readonly Pipe _pipe = StreamedLoad.NewPipe();
    private readonly Stopwatch _clock = new();
    private Task<List<ArchiveRef>>? _archive;

    /// <summary>True once the archive runs beside preprocess.</summary>
    public bool Started => _archive is not null;

    /// <summary>Called as cleaning begins: starts the Parquet writer and returns the pipe the cleaner's output goes into.</summary>
    public PipeWriter Begin(DatasetContract contract, string dataset, string runId, string fallbackDt, CancellationToken ct)
    {
        _clock.Start();
        var rows = _pipe.Reader.AsStream(leaveOpen: true);
        _archive = Task.Run(async () =>
        {
            try
            {
                return await ArchiveStep.WriteAsync(ctx, rows, contract, dataset, runId, fallbackDt, null, ct).ConfigureAwait(false);
            }
            finally
            {
                // A writer that failed must not leave the cleaner waiting on a full pipe.
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        ctx.Log("archive: writing Parquet while cleaning");
        return _pipe.Writer;
    }

    /// <summary>
    /// After preprocess succeeded with <paramref name="cleaned"/>: ends the writer's input, waits for its files and
    /// returns the run state with them, checked against the rows preprocess wrote, as <see cref="ArchiveStep"/> does.
    /// </summary>
    public async Task<RunState> CompleteAsync(RunState cleaned)
    {
        var archive = _archive ?? throw new InvalidOperationException("the archive was not started");
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        var refs = await archive.ConfigureAwait(false);
        return ArchiveStep.Finish(ctx, cleaned, null, refs, cleaned.RowsWritten, _clock.Elapsed);
    }

    /// <summary>After preprocess failed, or wrote no rows: ends the writer's input with an error (no file is committed) and waits for it.</summary>
    public Task AbandonAsync(Exception? cause) =>
        _archive is { } archive ? StreamedLoad.Abandon(ctx, _pipe.Writer, archive, "archive", "dropped", cause) : Task.CompletedTask;
}
