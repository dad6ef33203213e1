using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using EtlFunction.Cleaning;

namespace EtlFunction.Format;

/// <summary>
/// Writes the processed CSV in its one canonical format (see README, "Processed CSV format"):
/// UTF-8 without BOM, <c>,</c> delimiter, <c>\n</c> line ends, a header of target column names;
/// NULL is an empty unquoted field and an empty string is <c>""</c>; strings are quoted only when
/// they contain <c>,</c> <c>"</c> CR or LF (quotes doubled) or are empty; integers and decimals in
/// invariant digits (decimals with exactly <c>scale</c> fraction digits); doubles shortest
/// round-trip; bools <c>true</c>/<c>false</c>; dates <c>yyyy-MM-dd</c>; timestamps UTC
/// <c>yyyy-MM-dd HH:mm:ss[.ffffff]</c>.
/// Rows are staged in a buffer so a row can be abandoned (<see cref="DiscardRow"/>) after a
/// late validation failure; the buffer is flushed to the stream in large blocks.
/// </summary>
public sealed class CanonicalCsvWriter(Stream output, int flushThreshold = 1 << 20) : IDisposable
{
    private static readonly SearchValues<char> NeedsQuote = SearchValues.Create(",\"\r\n");
    // At most 1 MiB up front: a writer that never flushes (a worker formatting one row at a time,
    // flushThreshold near int.MaxValue) must not rent — and the pool then allocate — a huge buffer.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(flushThreshold, 1 << 20) + (64 << 10));
    private int _pos;
    private int _rowStart;
    private bool _firstField = true;

    public long BytesWritten { get; private set; }
    public long Rows { get; private set; }

    public void WriteHeader(IEnumerable<string> names)
    {
        foreach (var n in names) WriteString(n);
        EndRow();
        Rows = 0;
    }

    public void WriteNull() => Separator();

    public void WriteString(ReadOnlySpan<char> s)
    {
        Separator();
        if (s.IsEmpty)
        {
            Ensure(2);
            _buffer[_pos++] = (byte)'"';
            _buffer[_pos++] = (byte)'"';
            return;
        }
        if (s.IndexOfAny(NeedsQuote) < 0)
        {
            Ensure(s.Length * 3);
            Utf8.FromUtf16(s, _buffer.AsSpan(_pos), out _, out var written);
            _pos += written;
            return;
        }
        Ensure(Encoding.UTF8.GetMaxByteCount(s.Length) * 2 + 2);
        _buffer[_pos++] = (byte)'"';
        while (true)
        {
            var q = s.IndexOf('"');
            var part = q < 0 ? s : s[..(q + 1)];
            _pos += Encoding.UTF8.GetBytes(part, _buffer.AsSpan(_pos));
            if (q < 0) break;
            _buffer[_pos++] = (byte)'"';
            s = s[(q + 1)..];
        }
        _buffer[_pos++] = (byte)'"';
    }

    public void WriteInt64(long v)
    {
        Separator();
        Ensure(24);
        Utf8Formatter.TryFormat(v, _buffer.AsSpan(_pos), out var n);
        _pos += n;
    }

    public void WriteDecimal(long unscaled, int scale)
    {
        Separator();
        Ensure(32);
        if (scale == 0)
        {
            Utf8Formatter.TryFormat(unscaled, _buffer.AsSpan(_pos), out var n0);
            _pos += n0;
            return;
        }
        var neg = unscaled < 0;
        var abs = neg ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        ulong pow = 1;
        for (var i = 0; i < scale; i++) pow *= 10;
        if (neg) _buffer[_pos++] = (byte)'-';
        Utf8Formatter.TryFormat(abs / pow, _buffer.AsSpan(_pos), out var n);
        _pos += n;
        _buffer[_pos++] = (byte)'.';
        var frac = abs % pow;
        for (var i = scale - 1; i >= 0; i--)
        {
            _buffer[_pos + i] = (byte)('0' + (int)(frac % 10));
            frac /= 10;
        }
        _pos += scale;
    }

    public void WriteDouble(double v)
    {
        Separator();
        Ensure(32);
        v.TryFormat(_buffer.AsSpan(_pos), out var n, "R", System.Globalization.CultureInfo.InvariantCulture);
        _pos += n;
    }

    public void WriteBool(bool v)
    {
        Separator();
        Ensure(5);
        (v ? "true"u8 : "false"u8).CopyTo(_buffer.AsSpan(_pos));
        _pos += v ? 4 : 5;
    }

    public void WriteDate(long dayNumber)
    {
        Separator();
        Ensure(10);
        DateOnly.FromDayNumber((int)dayNumber).Deconstruct(out var y, out var m, out var d);
        WriteDateDigits(y, m, d);
    }

    public void WriteTimestamp(long unixMicros)
    {
        Separator();
        Ensure(26);
        var days = Math.DivRem(unixMicros, ValueParser.MicrosPerDay, out var tod);
        if (tod < 0)
        {
            tod += ValueParser.MicrosPerDay;
            days--;
        }
        DateOnly.FromDayNumber((int)(days + ValueParser.UnixEpochDayNumber)).Deconstruct(out var y, out var m, out var d);
        WriteDateDigits(y, m, d);
        var secs = tod / 1_000_000;
        var micros = (int)(tod % 1_000_000);
        _buffer[_pos++] = (byte)' ';
        Two((int)(secs / 3600));
        _buffer[_pos++] = (byte)':';
        Two((int)(secs / 60 % 60));
        _buffer[_pos++] = (byte)':';
        Two((int)(secs % 60));
        if (micros != 0)
        {
            _buffer[_pos++] = (byte)'.';
            for (var i = 5; i >= 0; i--)
            {
                _buffer[_pos + i] = (byte)('0' + micros % 10);
                micros /= 10;
            }
            _pos += 6;
        }
    }

    /// <summary>Ends the current row and makes it part of the output.</summary>
    public void EndRow()
    {
        Ensure(1);
        _buffer[_pos++] = (byte)'\n';
        _firstField = true;
        Rows++;
        if (_pos >= flushThreshold) Flush();
        _rowStart = _pos;
    }

    /// <summary>Ends the row without counting or flushing it, so <see cref="PendingRowWithEnd"/> can be taken (row formatting on worker threads).</summary>
    internal void EndRowInPlace()
    {
        Ensure(1);
        _buffer[_pos++] = (byte)'\n';
        _firstField = true;
    }

    /// <summary>The row ended by <see cref="EndRowInPlace"/>, line end included.</summary>
    internal ReadOnlySpan<byte> PendingRowWithEnd => _buffer.AsSpan(_rowStart, _pos - _rowStart);

    /// <summary>Forgets all buffered bytes (after a worker took its row).</summary>
    internal void ResetRows()
    {
        _pos = 0;
        _rowStart = 0;
        _firstField = true;
    }

    /// <summary>Drops everything written since the last <see cref="EndRow"/>.</summary>
    public void DiscardRow()
    {
        _pos = _rowStart;
        _firstField = true;
    }

    /// <summary>Appends bytes that are already one or more complete canonical rows.</summary>
    public void WriteRawRows(ReadOnlySpan<byte> rows, int rowCount)
    {
        Ensure(rows.Length);
        rows.CopyTo(_buffer.AsSpan(_pos));
        _pos += rows.Length;
        Rows += rowCount;
        if (_pos >= flushThreshold) Flush();
        _rowStart = _pos;
    }

    public void Flush()
    {
        if (!_firstField) throw new InvalidOperationException("Flush inside a row");
        output.Write(_buffer, 0, _pos);
        BytesWritten += _pos;
        _pos = 0;
        _rowStart = 0;
    }

    private void WriteDateDigits(int y, int m, int d)
    {
        var year = y;
        for (var i = 3; i >= 0; i--)
        {
            _buffer[_pos + i] = (byte)('0' + year % 10);
            year /= 10;
        }
        _pos += 4;
        _buffer[_pos++] = (byte)'-';
        Two(m);
        _buffer[_pos++] = (byte)'-';
        Two(d);
    }

    private void Two(int v)
    {
        _buffer[_pos++] = (byte)('0' + v / 10);
        _buffer[_pos++] = (byte)('0' + v % 10);
    }

    private void Separator()
    {
        if (_firstField)
        {
            _firstField = false;
            return;
        }
        Ensure(1);
        _buffer[_pos++] = (byte)',';
    }

    private void Ensure(int n)
    {
        if (_pos + n <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _pos + n));
        _buffer.AsSpan(0, _pos).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
