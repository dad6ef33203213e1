using System.Runtime.ExceptionServices;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Encodings;

namespace EtlFunction.Split;

/// <summary>
/// The whole-file cleaner's result, computed piece by piece on several cores: the file is split
/// at record boundaries (<see cref="RecordBoundaryPlanner"/>), each piece — header plus its range —
/// is cleaned by its own <see cref="CsvCleaner"/> into part files on local temp storage, and
/// <see cref="PartMerger"/> joins the parts in order. Every rule that looks at one row at a time
/// works per piece; dedupe, the one rule that needs the whole file, is left to the merge, which
/// replays the pieces' key logs in file order — so the processed CSV, the rejects and the counts
/// are exactly those of <see cref="CsvCleaner.Run"/> on the whole file.
/// </summary>
public sealed class ChunkedCleaner(DatasetContract contract, int parallelism)
{
    /// <summary>Target piece size; a piece ends at the first record boundary after it.</summary>
    public long ChunkSize { get; init; } = 32L << 20;

    /// <summary>
    /// The plan, for a caller that wants to know whether splitting pays (<see cref="RecordPlan.IsSplit"/>).
    /// A UTF-16 contract is never split (its bytes cannot be cut at a byte found by value): one range.
    /// </summary>
    public RecordPlan Plan(string path)
    {
        if (SourceEncodings.IsUtf16(contract.Encoding))
        {
            var length = new FileInfo(path).Length;
            return new RecordPlan(length, 0, 0, false, [new ByteRange(0, length, 1)]);
        }
        return RecordBoundaryPlanner.Plan(path, ChooseChunkSize(new FileInfo(path).Length));
    }

    /// <summary>At least one piece per core, at most <see cref="ChunkSize"/> each.</summary>
    private long ChooseChunkSize(long length) => Math.Max(1, Math.Min(ChunkSize, length / Math.Max(1, parallelism)));

    /// <summary>Cleans the file at <paramref name="path"/> into the two output streams (not disposed).</summary>
    public CleanResult Run(string path, Stream processed, Stream rejects, Action<CleanProgress>? progress = null, CancellationToken ct = default)
    {
        var plan = Plan(path);
        if (!plan.IsSplit)
        {
            using var src = File.OpenRead(path);
            return new CsvCleaner(contract).Run(src, processed, rejects, progress, ct);
        }
        return Run(path, plan, processed, rejects, progress, ct);
    }

    /// <summary>Cleans the pieces of <paramref name="plan"/> in parallel and merges them.</summary>
    public CleanResult Run(string path, RecordPlan plan, Stream processed, Stream rejects, Action<CleanProgress>? progress = null, CancellationToken ct = default)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"etl-parts-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var header = ReadHeader(path, plan.HeaderLength);
            InputDecoder.EnsureText(ReadHead(path));
            var hasKey = contract.Dedupe != DedupePolicy.None && contract.PrimaryKey.Count > 0;
            var withRecord = contract.Dedupe == DedupePolicy.Reject;
            var parts = plan.Ranges.Select((r, i) => new PartFiles(dir, i)).ToArray();
            var results = new CleanResult[parts.Length];
            long rowsDone = 0, bytesDone = 0;
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct };
            try
            {
                Parallel.For(0, parts.Length, options, i =>
                {
                    var range = plan.Ranges[i];
                    var part = parts[i];
                    using var keys = hasKey ? new KeyLog(part.Keys, withRecord) : null;
                    var cleaner = new CsvCleaner(contract)
                    {
                        Part = new PartOptions(range.FirstLine - (plan.HeaderLines + 1), 1, false, keys),
                    };
                    using var src = new PieceStream(path, header, range.Start, range.End);
                    using var p = File.Create(part.Processed);
                    using var r = File.Create(part.Rejects);
                    results[i] = cleaner.Run(src, p, r, null, ct);
                    progress?.Invoke(new CleanProgress(Interlocked.Add(ref rowsDone, results[i].RowsRead), Interlocked.Add(ref bytesDone, range.Length)));
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                throw;
            }
            var merged = new PartMerger(contract, new CsvCleaner(contract)).Merge(PartInputs.Local(parts, dir), results, processed, rejects, ct);
            progress?.Invoke(new CleanProgress(merged.RowsRead, plan.Length));
            return merged with { BytesRead = plan.Length };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The file's first bytes, as the single pass sniffs them for binary content.</summary>
    private static byte[] ReadHead(string path)
    {
        using var f = File.OpenRead(path);
        var head = new byte[(int)Math.Min(InputDecoder.SniffBytes, f.Length)];
        f.ReadExactly(head);
        return head;
    }

    private static byte[] ReadHeader(string path, long length)
    {
        using var f = File.OpenRead(path);
        var header = new byte[length];
        f.ReadExactly(header);
        return header;
    }
}

/// <summary>The local files one piece writes: processed CSV, rejects CSV, key log.</summary>
internal sealed record PartFiles(string Processed, string Rejects, string Keys)
{
    public PartFiles(string dir, int index)
        : this(Path.Combine(dir, $"part-{index:D5}.csv"), Path.Combine(dir, $"part-{index:D5}.rejects.csv"), Path.Combine(dir, $"part-{index:D5}.keys"))
    {
    }
}
