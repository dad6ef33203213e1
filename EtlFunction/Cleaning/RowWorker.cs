using EtlFunction.Contracts;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Cleaning;

/// <summary>
/// The per-thread half of the cleaner: turns one raw record into a <see cref="RowOutcome"/> —
/// structural checks (field count, quotes, UTF-8), filters, column cleaning and checks, the
/// canonical bytes and the dedupe key. It owns its compiled columns and scratch buffers, so
/// workers share nothing but the read-only contract.
/// </summary>
internal sealed class RowWorker(DatasetContract contract, int[] sourceIndex, int fieldCount, InputDecoder input) : IDisposable
{
    private readonly PassState _state = new(contract, sourceIndex);
    // Rows are taken in place and the writer reset (it never flushes here); the threshold only sizes the
    // first buffer, which grows for a longer row. (int.MaxValue / 2 rented 1 GiB per worker.)
    private readonly CanonicalCsvWriter _writer = new(Stream.Null, 64 << 10);
    private readonly List<(string Column, string Reason)> _errors = [];
    private readonly RecordDecoder _decoder = new(contract.Delimiter);

    public bool KeyIsLong => _state.KeyIsLong;

    public void Dispose() => _writer.Dispose();

    /// <summary>Decodes and cleans one record (its UTF-8 bytes, no line end) that starts on <paramref name="line"/>.</summary>
    public void Clean(ReadOnlySpan<byte> bytes, long line, RowOutcome o)
    {
        var row = _decoder.Decode(bytes, line);
        input.AddInvalid(_decoder.Invalid);
        o.Line = row.Line;
        if (row.ColCount == 1 && row.Span.IsEmpty)
        {
            o.Fate = RowFate.Blank;
            return;
        }
        _errors.Clear();
        // A UTF-8 file's invalid bytes are found per record; a transcoded file's became U+FFFD in the transcoder.
        if (input.IsUtf8 ? _decoder.Invalid > 0 : input.InvalidSequences > 0 && row.Span.Contains('\uFFFD'))
        {
            _errors.Add((CsvCleaner.RowColumn, input.InvalidReason));
        }
        else if (row.ColCount != fieldCount)
        {
            var last = row[row.ColCount - 1];
            _errors.Add((CsvCleaner.RowColumn, ColumnCleaner.IsUnterminated(last)
                ? ColumnCleaner.UnterminatedQuote + "; the rest of the file was read as this record"
                : $"expected {fieldCount} fields, found {row.ColCount}"));
        }
        if (_errors.Count == 0)
        {
            _state.Row++;
            // Filters first: a row the contract filters out is counted as filtered, not judged further.
            var drop = _state.FilterDrops(in row);
            if (drop is not null)
            {
                o.Fate = RowFate.Filtered;
                o.Column = drop;
                return;
            }
            var cleaners = _state.Cleaners;
            for (var c = 0; c < cleaners.Length; c++)
            {
                if (!_state.CleanColumn(c, in row) && cleaners[c].Error is { } e) _errors.Add((cleaners[c].Spec.Name, e));
            }
        }
        if (_errors.Count > 0)
        {
            o.Fate = RowFate.Rejected;
            o.Column = _errors.Count == 1 ? _errors[0].Column : string.Join(";", _errors.Select(e => e.Column));
            o.Reason = _errors.Count == 1 ? _errors[0].Reason : string.Join("; ", _errors.Select(e => $"{e.Column}: {e.Reason}"));
            o.Record = row.Span.ToString();
            foreach (var (c, _) in _errors) o.Columns.Add(c);
            return;
        }
        o.Fate = RowFate.Written;
        _state.Write(_writer);
        _writer.EndRowInPlace();
        o.SetBytes(_writer.PendingRowWithEnd);
        _writer.ResetRows();
        if (_state.HasKey)
        {
            if (_state.KeyIsLong) o.LongKey = _state.LongKey();
            else o.StringKey = _state.StringKey();
        }
        if (contract.Dedupe == DedupePolicy.Reject) o.Record = row.Span.ToString();
    }
}
