using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// Step 3: check that the branches agree (rows written = rows archived, and = rows loaded unless
/// the ledger already had the run; a split run's Parquet files are collected from the lists its
/// archive map items left beside their parts), remove Parquet files an earlier attempt of the same
/// run left under other part numbers (a re-run with another piece size, or on the other path), and
/// write the run manifest — counts, keys, contract fingerprint, columns the load added and timings — to
/// <c>_manifests/&lt;dataset&gt;/&lt;runId&gt;.json</c> in the archive bucket.
/// </summary>
public static class FinalizeStep
{
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        IReadOnlyList<ArchiveRef>? archiveList = state.Archive;
        if (archiveList is null && state.PartCount is { } parts && state.RowsWritten > 0)
        {
            archiveList = await CollectPartArchivesAsync(ctx, state, parts, ct).ConfigureAwait(false);
        }
        if (state.RowsRead != state.RowsWritten + state.RowsFiltered + state.RowsRejected + state.RowsDeduplicated)
        {
            throw new EtlException(ErrorType.DataLossError, "row counts do not balance: read != written + filtered + rejected + deduplicated");
        }
        if (archiveList is { } archive && archive.Sum(a => a.Rows) != state.RowsWritten)
        {
            throw new EtlException(ErrorType.DataLossError, $"archive holds {archive.Sum(a => a.Rows)} rows, processed {state.RowsWritten}");
        }
        if (state.RowsLoaded is { } loaded && state.AlreadyLoaded != true && loaded != state.RowsWritten)
        {
            throw new EtlException(ErrorType.DataLossError, $"table got {loaded} rows, processed {state.RowsWritten}");
        }
        if (archiveList is { Count: > 0 }) await RemoveStaleArchivesAsync(ctx, state, archiveList, ct).ConfigureAwait(false);
        var key = Buckets.ManifestKey(state.Dataset, state.RunId);
        var final = state with
        {
            Manifest = new ObjectRef(ctx.Buckets.Archive, key),
            RowsArchived = archiveList?.Sum(a => a.Rows),
            ArchiveFiles = archiveList?.Count,
        };
        final = final.WithTiming("finalize", sw.Elapsed.TotalSeconds);
        // SchemaChanges: the columns this run's load added to the table (schema_evolution: add_columns); usually empty.
        var manifest = new RunManifest(ManifestVersion: 1, CompletedAt: ctx.Clock.GetUtcNow(), SchemaChanges: final.SchemaChanges ?? [],
            Run: final with { Archive = archiveList });
        await ctx.Store.PutTextAsync(ctx.Buckets.Archive, key, JsonSerializer.Serialize(manifest, Json.IndentedContext.RunManifest), ct).ConfigureAwait(false);
        return final;
    }

    /// <summary>
    /// Deletes this run's Parquet files that the run did not write this time: the same object (same run
    /// id) archived before in another number of parts would otherwise leave rows twice in the dataset.
    /// </summary>
    private static async Task RemoveStaleArchivesAsync(StepContext ctx, RunState state, IReadOnlyList<ArchiveRef> written, CancellationToken ct)
    {
        var keep = written.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var bucket = ctx.Buckets.Archive;
        foreach (var dt in written.Select(a => a.Dt).Distinct(StringComparer.Ordinal))
        {
            var folder = Buckets.ArchiveFolder(state.Dataset, dt);
            var stale = new List<string>();
            await foreach (var o in ctx.Store.ListAsync(bucket, folder + state.RunId, ct).ConfigureAwait(false))
            {
                if (Buckets.IsArchiveFileOf(o.Key[folder.Length..], state.RunId) && !keep.Contains(o.Key)) stale.Add(o.Key);
            }
            foreach (var k in stale)
            {
                ctx.Log($"finalize: removing {ctx.Store.Describe(bucket, k)}, left by an earlier attempt of run {state.RunId}");
                await ctx.Store.DeleteAsync(bucket, k, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A split run's Parquet files: each archive map item listed its own beside its part.</summary>
    private static async Task<IReadOnlyList<ArchiveRef>> CollectPartArchivesAsync(StepContext ctx, RunState state, int parts, CancellationToken ct)
    {
        var all = new List<ArchiveRef>();
        for (var i = 0; i < parts; i++)
        {
            var key = Buckets.PieceKey(state.Dataset, state.RunId, i, "archive.json");
            var text = await ctx.Store.TryGetTextAsync(ctx.Buckets.Processed, key, ct).ConfigureAwait(false)
                ?? throw new EtlException(ErrorType.DataLossError, $"part {i} of {parts} was not archived ({ctx.Store.Describe(ctx.Buckets.Processed, key)} is missing)");
            var refs = JsonSerializer.Deserialize(text, Json.Context.ListArchiveRef);
            all.AddRange(refs ?? []);
        }
        return all;
    }
}
