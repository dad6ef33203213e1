using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using EtlFunction.Values;

namespace EtlFunction.ProcessedCsv;

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
    private DateCache? _dates;

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
        Ensure(s.Length * 3);
        if (TryWritePlainAscii(s)) return;
        if (s.IndexOfAny(NeedsQuote) < 0)
        {
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

    /// <summary>
    /// Writes <paramref name="s"/> as is when it is all ASCII and needs no quotes — nearly every
    /// string value — checking and narrowing eight characters per step in one pass, where the
    /// general path searched for quote characters and then transcoded (two calls per field).
    /// False, with nothing written, when some character needs the general path.
    /// </summary>
    private bool TryWritePlainAscii(ReadOnlySpan<char> s)
    {
        var dest = _buffer.AsSpan(_pos);
        if (s.Length < Vector128<ushort>.Count)
        {
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c > 0x7F || c is ',' or '"' or '\r' or '\n') return false;
                dest[i] = (byte)c;
            }
            _pos += s.Length;
            return true;
        }
        ref var src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(s));
        ref var dst = ref MemoryMarshal.GetReference(dest);
        var last = (nuint)(s.Length - Vector128<ushort>.Count);
        for (nuint i = 0; ; i += (nuint)Vector128<ushort>.Count)
        {
            // The last step overlaps the one before so no scalar tail is needed.
            if (i > last) i = last;
            var v = Vector128.LoadUnsafe(ref src, i);
            var bad = Vector128.GreaterThan(v, Vector128.Create((ushort)0x7F))
                | Vector128.Equals(v, Vector128.Create((ushort)','))
                | Vector128.Equals(v, Vector128.Create((ushort)'"'))
                | Vector128.Equals(v, Vector128.Create((ushort)'\r'))
                | Vector128.Equals(v, Vector128.Create((ushort)'\n'));
            if (bad != Vector128<ushort>.Zero) return false;
            Vector128.Narrow(v, v).GetLower().StoreUnsafe(ref dst, i);
            if (i == last) break;
        }
        _pos += s.Length;
        return true;
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
        WriteDateBytes((int)dayNumber);
    }

    public void WriteTimestamp(long unixMicros)
    {
        Separator();
        Ensure(26);
        WriteDateBytes((int)UnixMicros.DayNumber(unixMicros, out var tod));
        var secs = (int)(tod / 1_000_000);
        var micros = (int)(tod - secs * 1_000_000L);
        _buffer[_pos++] = (byte)' ';
        var minutes = secs / 60;
        Two(minutes / 60);
        _buffer[_pos++] = (byte)':';
        Two(minutes % 60);
        _buffer[_pos++] = (byte)':';
        Two(secs % 60);
        if (micros != 0)
        {
            _buffer[_pos++] = (byte)'.';
            Two(micros / 10_000);
            Two(micros / 100 % 100);
            Two(micros % 100);
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

    /// <summary>
    /// Writes <c>yyyy-MM-dd</c> for a day number. Dates in a file cluster on a few hundred days and a
    /// timestamp usually repeats its row's date, so the ten bytes of recent days are kept in a small
    /// direct-mapped table instead of converting the day number and dividing out digits each time.
    /// </summary>
    private void WriteDateBytes(int dayNumber)
    {
        _dates ??= new DateCache();
        ref var e = ref _dates.Entries[dayNumber & (DateCache.Size - 1)];
        if (e.Day != dayNumber + 1)
        {
            DateOnly.FromDayNumber(dayNumber).Deconstruct(out var y, out var m, out var d);
            Span<byte> b = stackalloc byte[10];
            WritePair(b, y / 100);
            WritePair(b[2..], y % 100);
            b[4] = (byte)'-';
            WritePair(b[5..], m);
            b[7] = (byte)'-';
            WritePair(b[8..], d);
            e.Head = BinaryPrimitives.ReadUInt64LittleEndian(b);
            e.Tail = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]);
            e.Day = dayNumber + 1;
        }
        var dest = _buffer.AsSpan(_pos, 10);
        BinaryPrimitives.WriteUInt64LittleEndian(dest, e.Head);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[8..], e.Tail);
        _pos += 10;
    }

    private static void WritePair(Span<byte> b, int v)
    {
        b[0] = (byte)('0' + v / 10);
        b[1] = (byte)('0' + v % 10);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Two(int v)
    {
        _buffer[_pos++] = (byte)('0' + v / 10);
        _buffer[_pos++] = (byte)('0' + v % 10);
    }

    /// <summary>Formatted days by day number modulo <see cref="Size"/>; <c>Day</c> is the day number + 1 (0 = empty).</summary>
    private sealed class DateCache
    {
        public const int Size = 1024;
        public readonly Entry[] Entries = new Entry[Size];

        public struct Entry
        {
            public int Day;
            public ushort Tail;
            public ulong Head;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    // Called for every field: the check is inlined, the rare growth is not (it kept Ensure itself
    // from being inlined, a call per field).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int n)
    {
        if (_pos + n > _buffer.Length) Grow(n);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int n)
    {
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
