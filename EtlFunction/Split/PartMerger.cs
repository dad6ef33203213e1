using System.Buffers.Text;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;

using EtlFunction.ProcessedCsv;

namespace EtlFunction.Split;

/// <summary>
/// Joins the parts of a split run, in piece order, into the one processed CSV and the one rejects
/// CSV, and applies dedupe exactly as the whole-file pass does. Pieces do not deduplicate; they log
/// the key and source line of every row they wrote. The merge replays those logs in file order
/// through one <see cref="KeyTracker"/> keyed by the row's global ordinal, which is the order the
/// whole-file pass sees rows in: <c>keep_last</c> drops the earlier ordinal of each repeated key,
/// <c>keep_first</c> the later, <c>reject</c> the later with a reject naming the first line. Then
/// one copy pass skips the dropped ordinals, and the rejects are merged by source line. Memory is
/// the key table and a bit per row, as in the whole-file pass; the rows stay on disk (or in S3:
/// the Distributed Map's merge step decides here and leaves the parts where they are, with the
/// dropped ordinals beside them for load and archive to skip).
/// </summary>
internal sealed class PartMerger(DatasetContract contract, CsvCleaner reasons)
{
    public CleanResult Merge(PartInputs parts, IReadOnlyList<CleanResult> results, Stream processed, Stream rejects, CancellationToken ct)
    {
        var decision = Decide(parts, results, ct);
        var bytes = CopyProcessed(parts, decision.Drop, processed, ct);
        MergeRejects(parts, rejects, ct);
        return Summarize(results, decision, bytes);
    }

    /// <summary>The dedupe decisions of the whole-file pass, from the parts' key logs (nothing to decide without a key).</summary>
    public DuplicateDecision Decide(PartInputs parts, IReadOnlyList<CleanResult> results, CancellationToken ct)
    {
        var hasKey = contract.Dedupe != DedupePolicy.None && contract.PrimaryKey.Count > 0;
        var drop = new OrdinalSet();
        var keys = new KeyTracker();
        long deduped = 0, dupRejected = 0, spilledKeys = 0;
        if (hasKey && contract.Dedupe == DedupePolicy.KeepLast && KeyIsLong())
        {
            // As the whole-file pass does for keep_last on an integer key: the (key, ordinal) pairs go to
            // temp files and are resolved one partition at a time, so the merge's memory does not grow
            // with the number of distinct keys (a Distributed Map's merge sees every key of the file).
            (spilledKeys, deduped) = SpillKeepLast(parts, results, drop, ct);
        }
        else if (hasKey)
        {
            (deduped, dupRejected) = DecideDuplicates(parts, results, keys, drop, ct);
        }
        return new DuplicateDecision(drop, deduped, dupRejected, keys.Count + spilledKeys);
    }

    /// <summary>The counts of the whole run: the pieces' counts with the merge's dedupe applied.</summary>
    public static CleanResult Summarize(IReadOnlyList<CleanResult> results, DuplicateDecision decision, long processedBytes)
    {
        var rejectsByColumn = Sum(results.Select(r => r.RejectsByColumn));
        if (decision.Rejected > 0) rejectsByColumn[CsvCleaner.DuplicateColumn] = rejectsByColumn.GetValueOrDefault(CsvCleaner.DuplicateColumn) + decision.Rejected;
        return new CleanResult
        {
            RowsRead = results.Sum(r => r.RowsRead),
            RowsWritten = results.Sum(r => r.RowsWritten) - decision.Drop.Count,
            RowsFiltered = results.Sum(r => r.RowsFiltered),
            RowsRejected = results.Sum(r => r.RowsRejected) + decision.Rejected,
            RowsDeduplicated = decision.Deduplicated,
            BlankLines = results.Sum(r => r.BlankLines),
            BytesRead = results.Sum(r => r.BytesRead),
            ProcessedBytes = processedBytes,
            InvalidUtf8Sequences = results.Sum(r => r.InvalidUtf8Sequences),
            RejectsByColumn = rejectsByColumn,
            FilteredByColumn = Sum(results.Select(r => r.FilteredByColumn)),
            DistinctKeys = decision.DistinctKeys,
        };
    }

    /// <summary>Replays the key logs in file order; fills <paramref name="drop"/> with the ordinals not to copy and writes the duplicate rejects beside each part.</summary>
    private (long Deduped, long Rejected) DecideDuplicates(PartInputs parts, IReadOnlyList<CleanResult> results, KeyTracker keys, OrdinalSet drop, CancellationToken ct)
    {
        var policy = contract.Dedupe;
        var keyIsLong = KeyIsLong();
        var withRecord = policy == DedupePolicy.Reject;
        long deduped = 0, rejected = 0, ordinal = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            ct.ThrowIfCancellationRequested();
            using var dups = withRecord ? new BinaryWriter(File.Create(parts.DupsPath(p))) : null;
            long seen = 0;
            foreach (var e in KeyLog.Read(parts.OpenKeys(p), keyIsLong, withRecord))
            {
                var g = checked((int)ordinal++);
                seen++;
                var value = withRecord ? (int)Math.Min(e.Line, int.MaxValue) : g;
                var fresh = keyIsLong
                    ? keys.TryAdd(e.LongKey, value, policy == DedupePolicy.KeepLast, out var previous)
                    : keys.TryAdd(e.StringKey!, value, policy == DedupePolicy.KeepLast, out previous);
                if (fresh) continue;
                switch (policy)
                {
                    case DedupePolicy.KeepLast:
                        drop.Add(previous);
                        deduped++;
                        break;
                    case DedupePolicy.KeepFirst:
                        drop.Add(g);
                        deduped++;
                        break;
                    case DedupePolicy.Reject:
                        drop.Add(g);
                        rejected++;
                        dups!.Write(e.Line);
                        dups.Write(reasons.DuplicateReason(previous));
                        dups.Write(e.Record ?? "");
                        break;
                }
            }
            if (seen != results[p].RowsWritten) throw new InvalidOperationException($"part {p}: {seen} keys logged for {results[p].RowsWritten} rows written");
        }
        return (deduped, rejected);
    }

    private static (long DistinctKeys, long Superseded) SpillKeepLast(PartInputs parts, IReadOnlyList<CleanResult> results, OrdinalSet drop, CancellationToken ct)
    {
        using var spill = new KeySpill();
        long ordinal = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            ct.ThrowIfCancellationRequested();
            long seen = 0;
            foreach (var e in KeyLog.Read(parts.OpenKeys(p), keyIsLong: true, withRecord: false))
            {
                spill.Add(e.LongKey, checked((int)ordinal++));
                seen++;
            }
            if (seen != results[p].RowsWritten) throw new InvalidOperationException($"part {p}: {seen} keys logged for {results[p].RowsWritten} rows written");
        }
        return spill.Resolve(drop, ct);
    }

    private bool KeyIsLong() =>
        contract.PrimaryKey.Count == 1 && contract.Columns.First(c => c.Name == contract.PrimaryKey[0]).Type.Kind is not (TypeKind.String or TypeKind.Double);

    /// <summary>Concatenates the parts' rows (one header) without the dropped ordinals; returns the bytes written.</summary>
    public static long CopyProcessed(PartInputs parts, OrdinalSet drop, Stream output, CancellationToken ct)
    {
        var buffered = new BufferedStream(output, 1 << 20);
        long bytes = 0, ordinal = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            ct.ThrowIfCancellationRequested();
            using var f = parts.OpenProcessed(p);
            var scanner = new CanonicalRecordScanner(f);
            if (scanner.TryNext(out var header) && p == 0)
            {
                buffered.Write(header);
                bytes += header.Length;
            }
            while (scanner.TryNext(out var record))
            {
                if (drop.Contains(ordinal++)) continue;
                buffered.Write(record);
                bytes += record.Length;
            }
        }
        buffered.Flush();
        return bytes;
    }

    /// <summary>Concatenates the parts' rejects (one header), with each part's duplicate rejects merged in by source line.</summary>
    public static void MergeRejects(PartInputs parts, Stream output, CancellationToken ct)
    {
        using var writer = new RejectWriter(output);
        for (var p = 0; p < parts.Count; p++)
        {
            ct.ThrowIfCancellationRequested();
            using var f = parts.OpenRejects(p);
            var scanner = new CanonicalRecordScanner(f);
            scanner.TryNext(out _);
            var dupPath = parts.DupsPath(p);
            using var dups = File.Exists(dupPath) ? new BinaryReader(File.OpenRead(dupPath)) : null;
            var next = ReadDup(dups);
            while (scanner.TryNext(out var record))
            {
                var line = LineOf(record);
                while (next is { } d && d.Line < line)
                {
                    writer.Write(d.Line, CsvCleaner.DuplicateColumn, d.Reason, d.Record);
                    next = ReadDup(dups);
                }
                writer.WriteRaw(record);
            }
            while (next is { } d)
            {
                writer.Write(d.Line, CsvCleaner.DuplicateColumn, d.Reason, d.Record);
                next = ReadDup(dups);
            }
        }
        writer.Flush();
    }

    private static (long Line, string Reason, string Record)? ReadDup(BinaryReader? r)
    {
        if (r is null || r.BaseStream.Position >= r.BaseStream.Length) return null;
        return (r.ReadInt64(), r.ReadString(), r.ReadString());
    }

    /// <summary>The source line: a rejects record starts with it, unquoted.</summary>
    private static long LineOf(ReadOnlySpan<byte> record) =>
        Utf8Parser.TryParse(record, out long line, out _) ? line : throw new InvalidDataException("a part's rejects record does not start with a line number");

    private static Dictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>> counts)
    {
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var d in counts)
        {
            foreach (var (k, v) in d) total[k] = total.GetValueOrDefault(k) + v;
        }
        return total;
    }
}

/// <summary>What the key-log replay decided: the global ordinals not to keep, and the counts.</summary>
internal sealed record DuplicateDecision(OrdinalSet Drop, long Deduplicated, long Rejected, long DistinctKeys);

/// <summary>
/// Where a merge reads a split run's parts: local files (the CLI's <c>--parallel</c>) or the run's
/// objects (the Distributed Map's merge step). Duplicate rejects are spooled to local files in
/// <see cref="DupsDir"/> between the decision and the rejects merge.
/// </summary>
internal sealed record PartInputs(int Count, Func<int, Stream> OpenProcessed, Func<int, Stream> OpenRejects, Func<int, Stream> OpenKeys, string DupsDir)
{
    public string DupsPath(int part) => Path.Combine(DupsDir, $"part-{part:D5}.dups");

    /// <summary>The parts a local chunked run wrote.</summary>
    public static PartInputs Local(IReadOnlyList<PartFiles> parts, string dir) => new(
        parts.Count,
        p => OpenFile(parts[p].Processed),
        p => OpenFile(parts[p].Rejects),
        p => OpenFile(parts[p].Keys),
        dir);

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
}
