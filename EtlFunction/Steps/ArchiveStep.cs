using System.Diagnostics;
using System.Globalization;
using EtlFunction.Format;
using EtlFunction.Parquet;
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
    public static async Task<RunState> RunAsync(StepContext ctx, RunState state, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var contract = await StepSupport.LoadContractAsync(ctx, state, ct).ConfigureAwait(false);
        var processed = StepSupport.RequireProcessed(state);
        var fallbackDt = state.ArchiveDt
            ?? (state.Source.LastModified ?? ctx.Clock.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var writers = new Dictionary<string, ObjectWriter>(StringComparer.Ordinal);
        var refs = new List<ArchiveRef>();
        try
        {
            await using (var input = await ctx.Store.OpenReadAsync(processed.Bucket, processed.Key, ct).ConfigureAwait(false))
            {
                var parts = await Task.Run(() =>
                {
                    using var reader = new CanonicalCsvReader(input, contract);
                    return ParquetArchiver.Write(reader, contract, fallbackDt, dt =>
                    {
                        var key = Buckets.ArchiveKey(state.Dataset, dt, state.RunId, 0);
                        var w = ctx.Store.OpenWriteAsync(ctx.Buckets.Archive, key, ct).GetAwaiter().GetResult();
                        writers[dt] = w;
                        return w.Stream;
                    });
                }, ct).ConfigureAwait(false);
                foreach (var part in parts)
                {
                    var info = await writers[part.Dt].CommitAsync(ct).ConfigureAwait(false);
                    refs.Add(new ArchiveRef(info.Bucket, info.Key, part.Dt, part.Rows));
                }
            }
        }
        finally
        {
            foreach (var w in writers.Values) await w.DisposeAsync().ConfigureAwait(false);
        }
        var total = refs.Sum(r => r.Rows);
        if (total != state.RowsWritten)
        {
            throw new Errors.EtlException(Errors.ErrorType.DataLossError, $"archived {total} rows but the processed file has {state.RowsWritten}");
        }
        ctx.Log($"archive: {total} rows in {refs.Count} Parquet file(s)");
        return (state with { Archive = refs }).WithTiming("archive", sw.Elapsed.TotalSeconds);
    }
}
