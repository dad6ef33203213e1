using System.Diagnostics;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Split;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// Step 1: stream the landing object through the cleaner into the processed CSV and the rejects
/// CSV, and store the effective contract beside them. Outputs are written under keys derived
/// from the run id and become visible only when complete, so a retry overwrites, never doubles.
/// </summary>
public static class PreprocessStep
{
    public static Task<RunState> RunAsync(StepContext ctx, PreprocessInput input, CancellationToken ct = default) =>
        RunAsync(ctx, input, null, ct);

    /// <summary>The step, with <paramref name="streamed"/> (the CLI's <c>run</c>) loading and archiving the rows while they are cleaned.</summary>
    internal static async Task<RunState> RunAsync(StepContext ctx, PreprocessInput input, StreamedRun? streamed, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var store = ctx.Store;
        var info = await FindSourceAsync(store, input.Bucket, input.Key, ct).ConfigureAwait(false)
            ?? throw new EtlException(ErrorType.InvalidInput, $"source object not found: {store.Describe(input.Bucket, input.Key)}");
        var run = await RunStart.BeginAsync(ctx, info, input.Dataset, "preprocess", ct).ConfigureAwait(false);
        var (runId, dataset, contract) = (run.RunId, run.Dataset, run.Contract);

        var processedKey = Buckets.ProcessedKey(dataset, runId);
        var rejectsKey = Buckets.RejectsKey(dataset, runId);
        CleanResult result;
        ObjectInfo processedInfo, rejectsInfo;
        var split = SplitPlan(ctx, info, contract);
        await using (var processed = await store.OpenWriteAsync(ctx.Buckets.Processed, processedKey, ct).ConfigureAwait(false))
        await using (var rejects = await store.OpenWriteAsync(ctx.Buckets.Processed, rejectsKey, ct).ConfigureAwait(false))
        {
            var output = streamed?.Begin(new Database.LoadRequest(runId, contract, $"{run.Source.Bucket}/{run.Source.Key}") { ContractSource = run.ContractSource },
                dataset, run.ArchiveDt, split is null, processed.Stream, ct) ?? processed.Stream;
            if (split is { } s)
            {
                result = await Task.Run(() => s.Cleaner.Run(s.Path, s.Plan, processed.Stream, rejects.Stream, ctx.Progress, ct), ct).ConfigureAwait(false);
            }
            else
            {
                await using var src = await store.OpenReadAsync(info.Bucket, info.Key, ct).ConfigureAwait(false);
                var cleaner = new CsvCleaner(contract);
                result = await Task.Run(() => cleaner.Run(src, output, rejects.Stream, ctx.Progress, ct), ct).ConfigureAwait(false);
            }
            if (!result.Balanced) throw new EtlException(ErrorType.InternalError, $"row accounting does not balance: {CsvCleaner.Describe(result)}");
            processedInfo = await processed.CommitAsync(ct).ConfigureAwait(false);
            rejectsInfo = await rejects.CommitAsync(ct).ConfigureAwait(false);
        }
        if (result.InvalidUtf8Sequences > 0) ctx.Log($"warning: {result.InvalidUtf8Sequences} byte sequences invalid in {contract.Encoding}; their rows were rejected");

        var rejectsRef = new ObjectRef(ctx.Buckets.Processed, rejectsKey) { ETag = rejectsInfo.ETag, Size = rejectsInfo.Size };
        return (RunState.Cleaned(runId, dataset, run.Source, run.ContractRef, contract.Fingerprint, run.Inferred, run.ArchiveDt, contract.Table, rejectsRef, result) with
        {
            Processed = new ObjectRef(ctx.Buckets.Processed, processedKey) { ETag = processedInfo.ETag, Size = processedInfo.Size },
            ContractSource = run.ContractSource,
        }).WithTiming("preprocess", sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// With <see cref="StepContext.Parallel"/> above 1 and a plain file in a folder store, the split
    /// plan for the chunked cleaner; null for the single streaming pass (one core, gzip, a file too
    /// small to split, or a source that is not a local file).
    /// </summary>
    private static (ChunkedCleaner Cleaner, string Path, RecordPlan Plan)? SplitPlan(StepContext ctx, ObjectInfo info, DatasetContract contract)
    {
        if (ctx.Parallel <= 1) return null;
        if (ctx.Store.LocalPath(info.Bucket, info.Key) is not { } path)
        {
            ctx.Log("--parallel applies to a local store only: cleaning in one pass");
            return null;
        }
        var cleaner = new ChunkedCleaner(contract, ctx.Parallel);
        var sw = Stopwatch.StartNew();
        var plan = cleaner.Plan(path);
        if (!plan.IsSplit) return null;
        ctx.Log($"split into {plan.Ranges.Count} pieces at record boundaries in {sw.Elapsed.TotalSeconds:F2} s; cleaning on {ctx.Parallel} cores");
        return (cleaner, path, plan);
    }

    /// <summary>
    /// The source object, by its key as given, else by the key URL-decoded: S3 event notifications
    /// carry keys form-encoded (<c>red+flower.csv</c> for <c>red flower.csv</c>), so a key from such an
    /// event that does not exist as written is tried decoded before the run fails.
    /// </summary>
    internal static async Task<ObjectInfo?> FindSourceAsync(IObjectStore store, string bucket, string key, CancellationToken ct)
    {
        var info = await store.HeadAsync(bucket, key, ct).ConfigureAwait(false);
        if (info is not null || !(key.Contains('%', StringComparison.Ordinal) || key.Contains('+', StringComparison.Ordinal))) return info;
        var decoded = Uri.UnescapeDataString(key.Replace('+', ' '));
        return decoded == key ? null : await store.HeadAsync(bucket, decoded, ct).ConfigureAwait(false);
    }
}

/// <summary>What starts a run: a landing object, and optionally the dataset (else the key's first segment).</summary>
public sealed record PreprocessInput(string Bucket, string Key, string? Dataset = null);
