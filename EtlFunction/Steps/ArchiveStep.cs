using System.Diagnostics;
using System.Globalization;
using EtlFunction.Parquet;
using EtlFunction.ProcessedCsv;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// Step 2b: write the processed rows as typed Parquet under
/// <c>&lt;dataset&gt;/dt=YYYY-MM-DD/&lt;runId&gt;.parquet</c> in the archive bucket. Without a partition
/// column the day is the source object's last-modified date, which is stable for the same object,
/// so a retried run rewrites the same key.
/// </summary>
public static class ArchiveStep
{
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, CancellationToken ct = default) =>
        await RunAsync(ctx, state, null, ct).ConfigureAwait(false);

    /// <summary>
    /// With <paramref name="part"/>, one archive map item of a split run: that part's rows (less the
    /// merge's drops) into <c>&lt;runId&gt;-NNNNN.parquet</c> files, and the list of those files beside the
    /// part, where finalize collects them (the map's own output stays small whatever the part count).
    /// </summary>
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, int? part, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var fallbackDt = FallbackDt(ctx, state);
        var contract = await StepSupport.LoadContractAsync(ctx, state, ct).ConfigureAwait(false);
        var (input, expected) = await ProcessedInput.OpenCountedAsync(ctx, state, part, ct).ConfigureAwait(false);
        List<ArchiveRef> refs;
        await using (input)
        {
            refs = await WriteAsync(ctx, input, contract, state.Dataset, state.RunId, fallbackDt, part, ct).ConfigureAwait(false);
        }
        var archived = Finish(ctx, state, part, refs, expected, sw.Elapsed);
        if (part is { } p)
        {
            var listKey = Buckets.PieceKey(state.Dataset, state.RunId, p, "archive.json");
            await ctx.Store.PutTextAsync(ctx.Buckets.Processed, listKey, System.Text.Json.JsonSerializer.Serialize(refs, Json.Context.ListArchiveRef), ct).ConfigureAwait(false);
        }
        return archived;
    }

    /// <summary>
    /// The day of the run's files when the contract has no partition column: the run state's
    /// <c>archiveDt</c>, else the source object's last-modified date (stable for the same object).
    /// </summary>
    internal static string FallbackDt(StepContext ctx, RunState state)
    {
        if (state.ArchiveDt is { } given && !DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new Errors.EtlException(Errors.ErrorType.InvalidInput, $"archive: the run state's archiveDt must be yyyy-MM-dd, got '{given}'");
        }
        return state.ArchiveDt
            ?? (state.Source.LastModified ?? ctx.Clock.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes the processed CSV read from <paramref name="input"/> as Parquet into the archive bucket and commits
    /// every file once all are written (none when anything fails, the input's end included).
    /// </summary>
    internal static async Task<List<ArchiveRef>> WriteAsync(StepContext ctx, Stream input, Contracts.DatasetContract contract,
        string dataset, string runId, string fallbackDt, int? part, CancellationToken ct)
    {
        var writers = new Dictionary<string, ObjectWriter>(StringComparer.Ordinal);
        var refs = new List<ArchiveRef>();
        try
        {
            var files = await Task.Run(() =>
            {
                using var reader = new CanonicalCsvReader(input, contract);
                return ParquetArchiver.Write(reader, contract, fallbackDt, dt =>
                {
                    var key = Buckets.ArchiveKey(dataset, dt, runId, part ?? 0);
                    var w = ctx.Store.OpenWriteAsync(ctx.Buckets.Archive, key, ct).GetAwaiter().GetResult();
                    writers[dt] = w;
                    return w.Stream;
                });
            }, ct).ConfigureAwait(false);
            foreach (var file in files)
            {
                var info = await writers[file.Dt].CommitAsync(ct).ConfigureAwait(false);
                refs.Add(new ArchiveRef(info.Bucket, info.Key, file.Dt, file.Rows));
            }
        }
        finally
        {
            foreach (var w in writers.Values) await w.DisposeAsync().ConfigureAwait(false);
        }
        return refs;
    }

    /// <summary>Checks the files hold every processed row (<paramref name="expected"/>) and returns the run state with them.</summary>
    internal static RunState Finish(StepContext ctx, RunState state, int? part, List<ArchiveRef> refs, long expected, TimeSpan elapsed)
    {
        var total = refs.Sum(r => r.Rows);
        if (total != expected)
        {
            throw new Errors.EtlException(Errors.ErrorType.DataLossError, $"archived {total} rows but the processed {(part is null ? "file" : $"part {part}")} has {expected}");
        }
        ctx.Log($"archive{(part is null ? "" : $" part {part}")}: {total} rows in {refs.Count} Parquet file(s)");
        return (state with { Archive = refs }).WithTiming("archive", elapsed.TotalSeconds);
    }
}
