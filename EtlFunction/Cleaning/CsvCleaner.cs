using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Cleaning;

/// <summary>
/// The streaming cleaner: reads a source CSV once as UTF-8 bytes (<see cref="Utf8RecordReader"/>; workers decode, no per-field strings), binds its
/// header to the contract, and for each record decides exactly one fate — written to the
/// processed CSV, filtered by a contract filter, rejected with its line and reason, or superseded
/// by a duplicate key. Memory is bounded by the longest record plus, for keep_first and reject
/// (and string keys), the dedupe key table; keep_last on an integer key spills its keys (<see cref="KeySpill"/>).
/// </summary>
public sealed class CsvCleaner(DatasetContract contract)
{
    internal const string RowColumn = "(row)";
    internal const string DuplicateColumn = "(duplicate key)";

    /// <summary>Set when this cleaner runs one piece of a split file (see <see cref="PartOptions"/>).</summary>
    internal PartOptions? Part { get; init; }

    internal string DuplicateReason(long firstLine) =>
        $"duplicate primary key ({string.Join(", ", contract.PrimaryKey)}) first seen on line {firstLine}";

    /// <summary>
    /// Cleans <paramref name="source"/> into <paramref name="processed"/> (canonical CSV) and
    /// <paramref name="rejects"/>. Neither output stream is disposed. With dedupe <c>keep_last</c>
    /// the rows pass through a local spool file (the system temp folder), because a row can only be
    /// known to survive once the whole file has been read.
    /// </summary>
    public CleanResult Run(Stream source, Stream processed, Stream rejects, Action<CleanProgress>? progress = null, CancellationToken ct = default)
    {
        var keepLast = contract.Dedupe == DedupePolicy.KeepLast && contract.PrimaryKey.Count > 0 && Part is null;
        if (!keepLast) return RunPass(source, processed, rejects, progress, null, ct);

        var spoolPath = Path.Combine(Path.GetTempPath(), $"etl-spool-{Guid.NewGuid():N}.csv");
        try
        {
            var superseded = new OrdinalSet();
            CleanResult result;
            using (var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                result = RunPass(source, spool, rejects, progress, superseded, ct);
            }
            using (var spool = new FileStream(spoolPath, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, FileOptions.SequentialScan))
            {
                var bytes = superseded.Count == 0
                    ? CopyAll(spool, processed)
                    : SpoolFilter.CopyWithout(spool, processed, superseded);
                return result with { ProcessedBytes = bytes };
            }
        }
        finally
        {
            File.Delete(spoolPath);
        }
    }

    private static long CopyAll(Stream from, Stream to)
    {
        from.CopyTo(to, 1 << 20);
        return from.Length;
    }

    private CleanResult RunPass(Stream source, Stream output, Stream rejectStream, Action<CleanProgress>? progress, OrdinalSet? superseded, CancellationToken ct)
    {
        using var input = new InputDecoder(source, contract.Encoding, sniffBinary: Part?.SniffBinary ?? true);
        var reader = new Utf8RecordReader(input.Utf8);
        if (!reader.TryNext(out var headerBytes))
        {
            throw new EtlException(ErrorType.InvalidInput, "the file is empty: no header line");
        }
        var headerDecoder = new RecordDecoder(contract.Delimiter);
        var headerRow = headerDecoder.Decode(headerBytes, reader.Line);
        if (input.IsUtf8) input.AddInvalid(headerDecoder.Invalid);
        var header = new string[headerRow.ColCount];
        for (var i = 0; i < header.Length; i++) header[i] = HeaderBinder.Unquote(headerRow[i]);
        if (header.Length == 1 && header[0].Length == 0)
        {
            throw new EtlException(ErrorType.InvalidInput, "the file has no header: its first line is blank");
        }
        var map = HeaderBinder.Bind(header, contract);
        var fieldCount = header.Length;

        using var writer = new CanonicalCsvWriter(output);
        using var rejectsOut = new RejectWriter(rejectStream);
        writer.WriteHeader(contract.Columns.Select(c => c.Name));

        long read = 0, filtered = 0, rejected = 0, deduped = 0, blank = 0;
        var rejectsByColumn = new Dictionary<string, long>(StringComparer.Ordinal);
        var filteredByColumn = new Dictionary<string, long>(StringComparer.Ordinal);
        var keys = new KeyTracker();
        var dedupe = contract.Dedupe;
        var hasKey = dedupe != DedupePolicy.None && contract.PrimaryKey.Count > 0;
        var keyIsLong = PassState.IsLongKey(contract);
        var lineOffset = Part?.LineOffset ?? 0;
        var keyLog = Part?.Keys;
        // keep_last on an integer key: the keys go to disk and are resolved after the pass (KeySpill),
        // so memory does not grow with the distinct keys. Other policies need the answer per row.
        using var spill = hasKey && keyLog is null && dedupe == DedupePolicy.KeepLast && keyIsLong && superseded is not null ? new KeySpill() : null;

        // Records are cleaned on worker threads and consumed here in file order, where the
        // order-dependent work happens: dedupe, writing, counting.
        void Consume(RowOutcome o)
        {
            if (o.Fate == RowFate.Blank)
            {
                blank++;
                return;
            }
            read++;
            o.Line += lineOffset;
            switch (o.Fate)
            {
                case RowFate.Filtered:
                    filtered++;
                    Increment(filteredByColumn, o.Column!);
                    return;
                case RowFate.Rejected:
                    rejected++;
                    rejectsOut.Write(o.Line, o.Column!, o.Reason!, o.Record);
                    foreach (var c in o.Columns) Increment(rejectsByColumn, c);
                    return;
            }
            if (hasKey && keyLog is not null)
            {
                // A piece of a split file: the merge decides duplicates across all pieces.
                keyLog.Add(o, keyIsLong);
            }
            else if (spill is not null)
            {
                spill.Add(o.LongKey, checked((int)writer.Rows));
            }
            else if (hasKey)
            {
                var ordinal = checked((int)writer.Rows);
                var value = dedupe == DedupePolicy.Reject ? (int)Math.Min(o.Line, int.MaxValue) : ordinal;
                var fresh = keyIsLong
                    ? keys.TryAdd(o.LongKey, value, dedupe == DedupePolicy.KeepLast, out var previous)
                    : keys.TryAdd(o.StringKey!, value, dedupe == DedupePolicy.KeepLast, out previous);
                if (!fresh)
                {
                    switch (dedupe)
                    {
                        case DedupePolicy.KeepLast:
                            superseded!.Add(previous);
                            deduped++;
                            break;
                        case DedupePolicy.KeepFirst:
                            deduped++;
                            return;
                        case DedupePolicy.Reject:
                            rejected++;
                            rejectsOut.Write(o.Line, DuplicateColumn, DuplicateReason(previous), o.Record);
                            Increment(rejectsByColumn, DuplicateColumn);
                            return;
                    }
                }
            }
            writer.WriteRawRows(o.Bytes.AsSpan(0, o.Length), 1);
        }

        RecordPipeline.Run(reader, Part?.Workers ?? Math.Min(Environment.ProcessorCount, 8), () => new RowWorker(contract, map, fieldCount, input), Consume,
            () => progress?.Invoke(new CleanProgress(read, input.BytesRead)), ct);
        writer.Flush();
        rejectsOut.Flush();
        long spilledKeys = 0;
        if (spill is not null) (spilledKeys, deduped) = spill.Resolve(superseded!, ct);
        progress?.Invoke(new CleanProgress(read, input.BytesRead));
        return new CleanResult
        {
            RowsRead = read,
            RowsWritten = writer.Rows - (superseded?.Count ?? 0),
            RowsFiltered = filtered,
            RowsRejected = rejected,
            RowsDeduplicated = deduped,
            BlankLines = blank,
            BytesRead = input.BytesRead,
            ProcessedBytes = writer.BytesWritten,
            InvalidUtf8Sequences = input.InvalidSequences,
            RejectsByColumn = rejectsByColumn,
            FilteredByColumn = filteredByColumn,
            DistinctKeys = keys.Count + spilledKeys,
        };
    }

    private static void Increment(Dictionary<string, long> d, string key) =>
        d[key] = d.GetValueOrDefault(key) + 1;

    internal static string Describe(CleanResult r) => string.Create(CultureInfo.InvariantCulture,
        $"read {r.RowsRead}, written {r.RowsWritten}, filtered {r.RowsFiltered}, rejected {r.RowsRejected}, deduplicated {r.RowsDeduplicated}");
}
