using System.IO.Pipelines;
using EtlFunction.Database;

namespace EtlFunction.Steps;

/// <summary>
/// The load half of a streamed <c>run</c> (<see cref="StreamedRun"/>, issue #13): the load step reads the
/// processed CSV from a <see cref="BoundedPipe"/> as the cleaner writes it, so it connects, checks the ledger and
/// streams rows into its transaction while cleaning still runs.
/// <para>
/// The load's input ends only when preprocess has returned — its processed and rejects objects committed
/// and the rows counted — so the transaction commits only after a complete, successful preprocess;
/// a preprocess failure ends the input with that error and the load rolls back. The database sees the
/// run entirely or not at all, as in the sequential order, and the same ledger row makes a rerun a no-op.
/// </para>
/// </summary>
internal sealed class StreamedLoad(StepContext ctx)
{
    private readonly PipedConsumer<LoadResult> _consumer = new();
    private ITableLoader? _loader;

    /// <summary>True once the load runs beside preprocess.</summary>
    public bool Started => _consumer.Started;

    /// <summary>
    /// Called as cleaning begins: starts the load and returns the pipe the cleaner's output goes into; null when
    /// the run has no database to load.
    /// </summary>
    public PipeWriter? Begin(LoadRequest request, CancellationToken ct)
    {
        if (ctx.Loader is null) return null;
        var loader = _loader = ctx.Loader();
        var pipe = _consumer.Start(rows => loader.LoadAsync(request, _ => Task.FromResult(rows), ct));
        ctx.Log($"load: streaming rows into {loader.Describe()} while cleaning (dedupe {request.Contract.Dedupe.ToString().ToLowerInvariant()})");
        return pipe;
    }

    /// <summary>
    /// After preprocess succeeded with <paramref name="cleaned"/>: ends the load's input, waits for the load
    /// and returns the run state with its fields, as <see cref="LoadStep"/> would have.
    /// </summary>
    public async Task<RunState> CompleteAsync(RunState cleaned)
    {
        var result = await _consumer.CompleteAsync().ConfigureAwait(false);
        return LoadStep.Apply(ctx, _loader!, cleaned, result, _consumer.Elapsed);
    }

    /// <summary>After preprocess failed, or found nothing to load: ends the load's input with an error, so its transaction rolls back.</summary>
    public Task AbandonAsync(Exception? cause) => _consumer.AbandonAsync(ctx, "load", "rolled back", cause);
}
