using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace EtlFunction.Generator;

/// <summary>
/// Writes CSV the way Python's <c>csv.writer(lineterminator="\n", quoting=QUOTE_MINIMAL)</c> does:
/// UTF-8 without BOM, <c>,</c> delimiter, LF line ends, a field quoted only when it contains
/// <c>,</c> <c>"</c> CR or LF (quotes doubled), and empty fields left empty. Generated files then
/// look like files real systems export, not like the pipeline's own canonical output (which quotes
/// empty strings). Bytes are staged in one large buffer and flushed in blocks, so writing a million
/// rows costs little more than the memory copies.
/// </summary>
public sealed class MinimalCsvWriter : IDisposable
{
    private static readonly SearchValues<byte> NeedsQuoteUtf8 = SearchValues.Create(",\"\r\n"u8);
    private static readonly SearchValues<char> NeedsQuote = SearchValues.Create(",\"\r\n");
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly int _flushThreshold;
    private byte[] _buffer;
    private int _pos;
    private long _flushed;
    private bool _firstField = true;

    public MinimalCsvWriter(Stream output, bool leaveOpen = false, int flushThreshold = 1 << 20)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _flushThreshold = flushThreshold;
        _buffer = ArrayPool<byte>.Shared.Rent(flushThreshold + (64 << 10));
    }

    /// <summary>Bytes handed to the stream so far plus those still buffered.</summary>
    public long BytesWritten => _flushed + _pos;

    /// <summary>Rows ended so far (the header counts as a row).</summary>
    public long Rows { get; private set; }

    /// <summary>Writes a field given as UTF-8 bytes, quoting it if needed.</summary>
    public void Field(ReadOnlySpan<byte> utf8)
    {
        Separator();
        if (utf8.IndexOfAny(NeedsQuoteUtf8) < 0)
        {
            Ensure(utf8.Length);
            utf8.CopyTo(_buffer.AsSpan(_pos));
            _pos += utf8.Length;
            return;
        }
        Ensure(utf8.Length * 2 + 2);
        _buffer[_pos++] = (byte)'"';
        foreach (var b in utf8)
        {
            if (b == (byte)'"') _buffer[_pos++] = b;
            _buffer[_pos++] = b;
        }
        _buffer[_pos++] = (byte)'"';
    }

    /// <summary>Writes a text field, quoting it if needed.</summary>
    public void Field(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(NeedsQuote) < 0)
        {
            Separator();
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            _pos += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_pos));
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, rented);
        Field(rented.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Writes an integer field in invariant digits.</summary>
    public void Field(long value)
    {
        Separator();
        Ensure(24);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_pos), out var n);
        _pos += n;
    }

    /// <summary>Writes an empty field.</summary>
    public void Empty() => Separator();

    /// <summary>Ends the current row with LF.</summary>
    public void EndRow()
    {
        Ensure(1);
        _buffer[_pos++] = (byte)'\n';
        _firstField = true;
        Rows++;
        if (_pos >= _flushThreshold) FlushBuffer();
    }

    /// <summary>Writes buffered bytes to the stream and flushes it.</summary>
    public void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (!_leaveOpen) _output.Dispose();
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

    private void Ensure(int bytes)
    {
        if (_pos + bytes <= _buffer.Length) return;
        FlushBuffer();
        if (bytes <= _buffer.Length) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(bytes);
    }

    private void FlushBuffer()
    {
        if (_pos == 0) return;
        _output.Write(_buffer, 0, _pos);
        _flushed += _pos;
        _pos = 0;
    }
}
