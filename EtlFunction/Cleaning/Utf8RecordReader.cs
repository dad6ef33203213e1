using System.Buffers;

namespace EtlFunction.Cleaning;

/// <summary>
/// Finds the records of a CSV held as UTF-8 bytes, without decoding them, so the reading thread only
/// looks for record ends and the workers decode (profile of issue 13: decoding to UTF-16 and copying
/// the text as chars on the reading thread were a third of its time). The rules are the CSV reader's
/// (Sep's, which the cleaner used before and which <c>Utf8RecordReaderTests</c> compares it with):
/// every <c>"</c> toggles quoting, a record ends at <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c> outside
/// quotes (the line end is not part of the record), each of those counts one line inside quotes too,
/// and an unterminated quote makes the rest of the input one record. The byte scan is exact for UTF-8:
/// a byte below 0x80 is never part of a multi-byte sequence, valid or not.
/// </summary>
/// <remarks>Memory is one buffer, grown only for a record longer than it.</remarks>
internal sealed class Utf8RecordReader(Stream source)
{
    private static readonly SearchValues<byte> Stops = SearchValues.Create("\"\n\r"u8);
    private byte[] _buffer = new byte[256 << 10];
    private int _start;
    private int _end;
    private bool _eof;
    private long _lines;

    /// <summary>The line (1-based) the record last returned by <see cref="TryNext"/> starts on.</summary>
    public long Line { get; private set; }

    /// <summary>The next record without its line end; false at the end of the input.</summary>
    public bool TryNext(out ReadOnlySpan<byte> record)
    {
        var i = _start;
        var inQuotes = false;
        long breaks = 0;
        while (true)
        {
            var span = _buffer.AsSpan(0, _end);
            while (i < _end)
            {
                var rel = span[i..].IndexOfAny(Stops);
                if (rel < 0)
                {
                    i = _end;
                    break;
                }
                i += rel;
                var b = span[i];
                if (b == (byte)'"')
                {
                    inQuotes = !inQuotes;
                    i++;
                    continue;
                }
                var length = 1;
                if (b == (byte)'\r')
                {
                    if (i + 1 == _end && !_eof) break; // whether '\n' follows is in the next read
                    if (i + 1 < _end && span[i + 1] == (byte)'\n') length = 2;
                }
                breaks++;
                if (!inQuotes)
                {
                    record = Take(span, i, i + length, breaks);
                    return true;
                }
                i += length;
            }
            if (_eof)
            {
                if (_start == _end)
                {
                    record = default;
                    return false;
                }
                record = Take(span, _end, _end, breaks);
                return true;
            }
            i -= _start;
            Fill();
        }
    }

    private ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, int contentEnd, int next, long breaks)
    {
        var record = span[_start..contentEnd];
        Line = _lines + 1;
        _lines += breaks;
        _start = next;
        return record;
    }

    private void Fill()
    {
        var kept = _end - _start;
        if (kept == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
        _start = 0;
        _end = kept;
        while (_end < _buffer.Length)
        {
            var n = source.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _eof = true;
                break;
            }
            _end += n;
            if (n >= 16 << 10) break;
        }
    }
}
