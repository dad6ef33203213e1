using System.Diagnostics;
using System.IO.Pipelines;
using EtlFunction.Database;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// The load half of a streamed <c>run</c> (<see cref="StreamedRun"/>, issue #13): the load step reads the
/// processed CSV from a bounded pipe (<see cref="PauseBytes"/>) as the cleaner writes it, so it connects, checks
/// the ledger and streams rows into its transaction while cleaning still runs.
/// <para>
/// The load's input ends only when preprocess has returned — its processed and rejects objects committed
/// and the rows counted — so the transaction commits only after a complete, successful preprocess;
/// a preprocess failure ends the input with that error and the load rolls back. The database sees the
/// run entirely or not at all, as in the sequential order, and the same ledger row makes a rerun a no-op.
/// </para>
/// </summary>
internal sealed class StreamedLoad(StepContext ctx)
{
    /// <summary>The rows buffered between the cleaner and a consumer before the cleaner waits.</summary>
    public const int PauseBytes = 4 << 20;

    private readonly Pipe _pipe = NewPipe();
    private readonly Stopwatch _clock = new();
    private ITableLoader? _loader;
    private Task<LoadResult>? _load;

    /// <summary>True once the load runs beside preprocess.</summary>
    public bool Started => _load is not null;

    /// <summary>A pipe that holds at most <see cref="PauseBytes"/> before its writer waits.</summary>
    public static Pipe NewPipe() =>
        new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));

    /// <summary>
    /// Called as cleaning begins: starts the load and returns the pipe the cleaner's output goes into; null when
    /// the run has no database to load.
    /// </summary>
    public PipeWriter? Begin(LoadRequest request, CancellationToken ct)
    {
        if (ctx.Loader is null) return null;
        _loader = ctx.Loader();
        _clock.Start();
        var rows = _pipe.Reader.AsStream(leaveOpen: true);
        _load = Task.Run(async () =>
        {
            try
            {
                return await _loader.LoadAsync(request, _ => Task.FromResult(rows), ct).ConfigureAwait(false);
            }
            finally
            {
                // A load that ends early (already in the ledger, or failed) must not leave the cleaner waiting on a full pipe.
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        ctx.Log($"load: streaming rows into {_loader.Describe()} while cleaning (dedupe {request.Contract.Dedupe.ToString().ToLowerInvariant()})");
        return _pipe.Writer;
    }

    /// <summary>
    /// After preprocess succeeded with <paramref name="cleaned"/>: ends the load's input, waits for the load
    /// and returns the run state with its fields, as <see cref="LoadStep"/> would have.
    /// </summary>
    public async Task<RunState> CompleteAsync(RunState cleaned)
    {
        var load = _load ?? throw new InvalidOperationException("the load was not started");
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        var result = await load.ConfigureAwait(false);
        return LoadStep.Apply(ctx, _loader!, cleaned, result, _clock.Elapsed);
    }

    /// <summary>
    /// After preprocess failed, or found nothing to load: ends the load's input with an error, so its
    /// transaction rolls back, and waits for it. The load's own error is logged; the caller has the one that matters.
    /// </summary>
    public Task AbandonAsync(Exception? cause) =>
        _load is { } load ? Abandon(ctx, _pipe.Writer, load, "load", "rolled back", cause) : Task.CompletedTask;

    /// <summary>
    /// Ends a streamed consumer's input with an error, so it commits nothing, and waits for it. Its own error is
    /// only logged (as "<paramref name="what"/>: <paramref name="outcome"/>"); the caller has the one that matters.
    /// </summary>
    internal static async Task Abandon(StepContext ctx, PipeWriter input, Task consumer, string what, string outcome, Exception? cause)
    {
        await input.CompleteAsync(new EtlException(ErrorType.InternalError, $"preprocess did not complete; the streamed {what} is {outcome}", cause)).ConfigureAwait(false);
        try
        {
            await consumer.ConfigureAwait(false);
            // Unreachable in practice: the input ended with an error. Were it to commit, the run's counts would say so.
            ctx.Log($"{what}: the streamed {what} ended although preprocess did not complete");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (cause is not null) ctx.Log($"{what}: {outcome} ({e.Message})");
        }
    }
}
