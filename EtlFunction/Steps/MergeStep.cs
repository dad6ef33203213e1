using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Cleaning;
using EtlFunction.Errors;
using EtlFunction.Split;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// The <c>merge</c> step, after the Distributed Map: makes the pieces one run, exactly as the single
/// path would have cleaned the whole object. It replays the pieces' key logs in file order through one
/// key table (<see cref="PartMerger"/>), so dedupe — the one rule that needs every row — decides as the
/// single pass does (<c>keep_last</c> across pieces included); it writes each part's dropped rows beside
/// it, the one rejects CSV (duplicate rejects merged in by line), the part list, and returns the run
/// state. The processed parts are not copied: load and archive read them in order and skip the
/// dropped rows. Memory is the key table and a bit per row, as in the single pass.
/// </summary>
public static class MergeStep
{
    public static async Task<RunState> RunAsync(StepContext ctx, SplitRun run, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var store = ctx.Store;
        var bucket = ctx.Buckets.Processed;
        var contract = await StepSupport.LoadContractAsync(ctx, run.Contract, run.ContractFingerprint, ct).ConfigureAwait(false);
        var n = run.PieceCount;
        var results = new CleanResult[n];
        for (var i = 0; i < n; i++)
        {
            var key = Buckets.PieceKey(run.Dataset, run.RunId, i, "json");
            var text = await store.TryGetTextAsync(bucket, key, ct).ConfigureAwait(false)
                ?? throw new EtlException(ErrorType.InternalError, $"merge: piece {i} of {n} has no counts at {store.Describe(bucket, key)}: it did not complete");
            results[i] = JsonSerializer.Deserialize(text, Json.Context.CleanResult)
                ?? throw new EtlException(ErrorType.InternalError, $"merge: the counts of piece {i} are empty");
        }

        Stream Open(string key) => store.OpenReadAsync(bucket, key, ct).GetAwaiter().GetResult();
        var dir = Directory.CreateTempSubdirectory("etl-merge-").FullName;
        try
        {
            var parts = new PartInputs(n,
                p => Open(Buckets.PartKey(run.Dataset, run.RunId, p)),
                p => Open(Buckets.PieceKey(run.Dataset, run.RunId, p, "rejects.csv")),
                p => Open(Buckets.PieceKey(run.Dataset, run.RunId, p, "keys")),
                dir);
            var merger = new PartMerger(contract, new CsvCleaner(contract));
            var decision = await Task.Run(() => merger.Decide(parts, results, ct), ct).ConfigureAwait(false);

            var rejectsKey = Buckets.RejectsKey(run.Dataset, run.RunId);
            ObjectInfo rejectsInfo;
            await using (var w = await store.OpenWriteAsync(bucket, rejectsKey, ct).ConfigureAwait(false))
            {
                await Task.Run(() => PartMerger.MergeRejects(parts, w.Stream, ct), ct).ConfigureAwait(false);
                rejectsInfo = await w.CommitAsync(ct).ConfigureAwait(false);
            }

            var list = new List<PartRef>(n);
            long ordinalBase = 0;
            for (var i = 0; i < n; i++)
            {
                var rows = results[i].RowsWritten;
                var dropped = DroppedIn(decision.Drop, ordinalBase, rows);
                ObjectRef? drops = null;
                if (dropped.Count > 0)
                {
                    var key = Buckets.PieceKey(run.Dataset, run.RunId, i, "drops");
                    await using var w = await store.OpenWriteAsync(bucket, key, ct).ConfigureAwait(false);
                    using (var bw = new BinaryWriter(w.Stream, System.Text.Encoding.UTF8, leaveOpen: true))
                    {
                        foreach (var d in dropped) bw.Write(d); // little-endian int64s, as ProcessedInput reads them
                    }
                    var info = await w.CommitAsync(ct).ConfigureAwait(false);
                    drops = new ObjectRef(bucket, key) { ETag = info.ETag, Size = info.Size };
                }
                list.Add(new PartRef(i, new ObjectRef(bucket, Buckets.PartKey(run.Dataset, run.RunId, i)), rows, drops, dropped.Count));
                ordinalBase += rows;
            }
            var listKey = Buckets.PartListKey(run.Dataset, run.RunId);
            var listInfo = await store.PutTextAsync(bucket, listKey, JsonSerializer.Serialize(new PartList(list), Json.Context.PartList), ct).ConfigureAwait(false);

            var result = PartMerger.Summarize(results, decision, results.Sum(r => r.ProcessedBytes));
            if (!result.Balanced) throw new EtlException(ErrorType.InternalError, $"merge: row accounting does not balance: {CsvCleaner.Describe(result)}");
            ctx.Log($"merge: {n} pieces, {CsvCleaner.Describe(result)}");
            var rejectsRef = new ObjectRef(bucket, rejectsKey) { ETag = rejectsInfo.ETag, Size = rejectsInfo.Size };
            return (RunState.Cleaned(run.RunId, run.Dataset, run.Source, run.Contract, run.ContractFingerprint, run.ContractInferred, run.ArchiveDt, contract.Table, rejectsRef, result) with
            {
                Parts = new ObjectRef(bucket, listKey) { ETag = listInfo.ETag },
                PartCount = n,
                ContractSource = run.ContractSource,
            }).WithTiming("merge", sw.Elapsed.TotalSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The part-local ordinals in <c>[from, from + rows)</c> that the decision drops, ascending.</summary>
    private static List<long> DroppedIn(OrdinalSet drop, long from, long rows)
    {
        var list = new List<long>();
        if (drop.Count == 0) return list;
        for (long i = 0; i < rows; i++)
        {
            if (drop.Contains(from + i)) list.Add(i);
        }
        return list;
    }
}

/// <summary>What the merge reads: the run the plan fixed (the map's items are done).</summary>
public sealed record MergeInput(SplitRun Run);

/// <summary>The parts of a split run in file order, each with the rows the merge dropped from it.</summary>
public sealed record PartList(IReadOnlyList<PartRef> Parts);

/// <summary>One part: its processed CSV, the rows it holds, and (when the merge dropped any) the object listing their part-local ordinals as little-endian int64s.</summary>
public sealed record PartRef(int Index, ObjectRef Processed, long Rows, ObjectRef? Drops, long Dropped);
