using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Format;
using nietras.SeparatedValues;

namespace EtlFunction.Cleaning;

/// <summary>
/// The streaming cleaner: reads a source CSV once (Sep, spans, no per-field strings), binds its
/// header to the contract, and for each record decides exactly one fate — written to the
/// processed CSV, filtered by a contract filter, rejected with its line and reason, or superseded
/// by a duplicate key. Memory is bounded by the longest record plus the dedupe key table.
/// </summary>
public sealed class CsvCleaner(DatasetContract contract)
{
    private const string RowColumn = "(row)";
    private const string DuplicateColumn = "(duplicate key)";

    /// <summary>
    /// Cleans <paramref name="source"/> into <paramref name="processed"/> (canonical CSV) and
    /// <paramref name="rejects"/>. Neither output stream is disposed. With dedupe <c>keep_last</c>
    /// the rows pass through a local spool file (the system temp folder), because a row can only be
    /// known to survive once the whole file has been read.
    /// </summary>
    public CleanResult Run(Stream source, Stream processed, Stream rejects, Action<CleanProgress>? progress = null, CancellationToken ct = default)
    {
        var keepLast = contract.Dedupe == DedupePolicy.KeepLast && contract.PrimaryKey.Count > 0;
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
        using var input = new InputDecoder(source, contract.Encoding);
        using var reader = Sep.Reader(o => o with
        {
            Sep = new Sep(contract.Delimiter),
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = false,
        }).From(input.Reader);

        if (!reader.MoveNext())
        {
            throw new EtlException(ErrorType.InvalidInput, "the file is empty: no header line");
        }
        var headerRow = reader.Current;
        var header = new string[headerRow.ColCount];
        for (var i = 0; i < header.Length; i++) header[i] = HeaderBinder.Unquote(headerRow[i].Span);
        if (header.Length == 1 && header[0].Length == 0)
        {
            throw new EtlException(ErrorType.InvalidInput, "the file has no header: its first line is blank");
        }
        var map = HeaderBinder.Bind(header, contract);
        var state = new PassState(contract, map, header.Length);

        using var writer = new CanonicalCsvWriter(output);
        using var rejectsOut = new RejectWriter(rejectStream);
        writer.WriteHeader(contract.Columns.Select(c => c.Name));

        long read = 0, filtered = 0, rejected = 0, deduped = 0, blank = 0;
        var rejectsByColumn = new Dictionary<string, long>(StringComparer.Ordinal);
        var filteredByColumn = new Dictionary<string, long>(StringComparer.Ordinal);
        var keys = new KeyTracker();
        var errors = new List<(string Column, string Reason)>();

        while (reader.MoveNext())
        {
            var row = reader.Current;
            if (row.ColCount == 1 && row.Span.IsEmpty)
            {
                blank++;
                continue;
            }
            read++;
            if ((read & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Invoke(new CleanProgress(read, input.BytesRead));
            }
            var line = row.LineNumberFrom;
            errors.Clear();

            if (input.InvalidSequences > 0 && row.Span.Contains('\uFFFD'))
            {
                errors.Add((RowColumn, "invalid UTF-8 byte sequence in the record (shown as U+FFFD)"));
            }
            else if (row.ColCount != header.Length)
            {
                var last = row[row.ColCount - 1].Span;
                errors.Add((RowColumn, ColumnCleaner.IsUnterminated(last)
                    ? ColumnCleaner.UnterminatedQuote + "; the rest of the file was read as this record"
                    : $"expected {header.Length} fields, found {row.ColCount}"));
            }
            if (errors.Count == 0)
            {
                state.Row++;
                // Filters first: a row the contract filters out is counted as filtered, not judged further.
                var drop = state.FilterDrops(row);
                if (drop is not null)
                {
                    filtered++;
                    Increment(filteredByColumn, drop);
                    continue;
                }
                for (var c = 0; c < state.Cleaners.Length; c++)
                {
                    var cleaner = state.Cleaners[c];
                    if (!state.CleanColumn(c, row) && cleaner.Error is { } e) errors.Add((cleaner.Spec.Name, e));
                }
            }
            if (errors.Count > 0)
            {
                rejected++;
                WriteReject(rejectsOut, line, errors, row.Span, rejectsByColumn);
                continue;
            }

            if (state.HasKey)
            {
                var ordinal = checked((int)writer.Rows);
                var dedupe = contract.Dedupe;
                var value = dedupe == DedupePolicy.Reject ? (int)Math.Min(line, int.MaxValue) : ordinal;
                var fresh = state.KeyIsLong
                    ? keys.TryAdd(state.LongKey(), value, dedupe == DedupePolicy.KeepLast, out var previous)
                    : keys.TryAdd(state.StringKey(), value, dedupe == DedupePolicy.KeepLast, out previous);
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
                            continue;
                        case DedupePolicy.Reject:
                            rejected++;
                            errors.Add((DuplicateColumn, $"duplicate primary key ({string.Join(", ", contract.PrimaryKey)}) first seen on line {previous}"));
                            WriteReject(rejectsOut, line, errors, row.Span, rejectsByColumn);
                            continue;
                    }
                }
            }
            state.Write(writer);
            writer.EndRow();
        }
        writer.Flush();
        rejectsOut.Flush();
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
            DistinctKeys = keys.Count,
        };
    }

    private static void WriteReject(RejectWriter w, long line, List<(string Column, string Reason)> errors, ReadOnlySpan<char> record, Dictionary<string, long> byColumn)
    {
        var column = errors.Count == 1 ? errors[0].Column : string.Join(";", errors.Select(e => e.Column));
        var reason = errors.Count == 1 ? errors[0].Reason : string.Join("; ", errors.Select(e => $"{e.Column}: {e.Reason}"));
        w.Write(line, column, reason, record);
        foreach (var (c, _) in errors) Increment(byColumn, c);
    }

    private static void Increment(Dictionary<string, long> d, string key) =>
        d[key] = d.GetValueOrDefault(key) + 1;

    internal static string Describe(CleanResult r) => string.Create(CultureInfo.InvariantCulture,
        $"read {r.RowsRead}, written {r.RowsWritten}, filtered {r.RowsFiltered}, rejected {r.RowsRejected}, deduplicated {r.RowsDeduplicated}");
}
