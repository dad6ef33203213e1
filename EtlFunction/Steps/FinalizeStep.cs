using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// Step 3: check that the branches agree (rows written = rows archived, and = rows loaded unless
/// the ledger already had the run) and write the run manifest — counts, keys, contract
/// fingerprint and timings — to <c>_manifests/&lt;dataset&gt;/&lt;runId&gt;.json</c> in the archive bucket.
/// </summary>
public static class FinalizeStep
{
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        if (state.RowsRead != state.RowsWritten + state.RowsFiltered + state.RowsRejected + state.RowsDeduplicated)
        {
            throw new EtlException(ErrorType.DataLossError, "row counts do not balance: read != written + filtered + rejected + deduplicated");
        }
        if (state.Archive is { } archive && archive.Sum(a => a.Rows) != state.RowsWritten)
        {
            throw new EtlException(ErrorType.DataLossError, $"archive holds {archive.Sum(a => a.Rows)} rows, processed {state.RowsWritten}");
        }
        if (state.RowsLoaded is { } loaded && state.AlreadyLoaded != true && loaded != state.RowsWritten)
        {
            throw new EtlException(ErrorType.DataLossError, $"table got {loaded} rows, processed {state.RowsWritten}");
        }
        var key = Buckets.ManifestKey(state.Dataset, state.RunId);
        var final = state with { Manifest = new ObjectRef(ctx.Buckets.Archive, key) };
        final = final.WithTiming("finalize", sw.Elapsed.TotalSeconds);
        var manifest = new
        {
            manifestVersion = 1,
            completedAt = ctx.Clock.GetUtcNow(),
            run = final,
        };
        await ctx.Store.PutTextAsync(ctx.Buckets.Archive, key, JsonSerializer.Serialize(manifest, Json.Indented), ct).ConfigureAwait(false);
        return final;
    }
}
