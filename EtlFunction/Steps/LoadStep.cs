using System.Diagnostics;
using EtlFunction.Database;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// Step 2a: load the processed CSV into the contract's table — for a split run, its parts streamed in
/// order as one CSV (<see cref="ProcessedInput"/>). The loader does the load and the ledger row in one
/// transaction, so a retry of this step after any failure is safe.
/// </summary>
public static class LoadStep
{
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        LoadProfile.Mark("step");
        // Refused before anything connects: a load that cannot end before the deadline would roll back at the end.
        ctx.LoadBudget.Check(state.RowsWritten, ctx.Clock.GetUtcNow(), ctx.Deadline);
        var loader = (ctx.Loader ?? throw new EtlException(ErrorType.InternalError, "no database configured")).Invoke();
        // The contract is read while the loader connects (issue #13: start-up was one round trip after another).
        var result = await loader.LoadAsync(state.RunId, Task.Run(() => RequestAsync(ctx, state, ct), ct), c => ProcessedInput.OpenAsync(ctx, state, null, c), ct).ConfigureAwait(false);
        LoadProfile.Mark("done");
        LoadProfile.Flush();
        return Apply(ctx, loader, state, result, sw.Elapsed);
    }

    /// <summary>
    /// The run state after a load: checks that every processed row went in, logs, and sets the load's fields
    /// (shared with <see cref="StreamedLoad"/>, which loads while preprocess runs).
    /// </summary>
    internal static RunState Apply(StepContext ctx, ITableLoader loader, RunState state, LoadResult result, TimeSpan elapsed)
    {
        if (!result.AlreadyLoaded && result.RowsLoaded != state.RowsWritten)
        {
            throw new EtlException(ErrorType.DataLossError, $"loaded {result.RowsLoaded} rows but the processed file has {state.RowsWritten}");
        }
        foreach (var change in result.SchemaChanges)
        {
            ctx.Log($"load: added column {change.Column} {change.Declared} ({change.Type}) to {change.Table} (schema_evolution: add_columns); existing rows read NULL");
        }
        ctx.Log(result.AlreadyLoaded
            ? $"load: run {state.RunId} is already in the ledger of {loader.Describe()}; nothing loaded"
            : $"load: {result.RowsLoaded} rows into {result.Table} ({result.Method})");
        return (state with
        {
            RowsLoaded = result.RowsLoaded,
            AlreadyLoaded = result.AlreadyLoaded,
            LoadMethod = result.Method,
            Table = result.Table,
            Database = loader.Describe(),
            SchemaChanges = result.SchemaChanges.Count > 0 ? result.SchemaChanges : null,
        }).WithTiming("load", elapsed.TotalSeconds);
    }

    private static async Task<LoadRequest> RequestAsync(StepContext ctx, RunState state, CancellationToken ct)
    {
        var contract = await StepSupport.LoadContractAsync(ctx, state, ct).ConfigureAwait(false);
        LoadProfile.Mark("contract");
        return new LoadRequest(state.RunId, contract, $"{state.Source.Bucket}/{state.Source.Key}") { ContractSource = state.ContractSource };
    }
}
