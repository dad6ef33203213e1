namespace EtlFunction.ProcessedCsv;

/// <summary>
/// Reads a canonical CSV (ours: every record ends with <c>\n</c>, quotes balanced) one record at a
/// time as raw bytes, for merging the pieces of a split run without parsing fields. A record ends
/// at a newline outside quotes; memory is one buffer, grown only for a record longer than it.
/// </summary>
internal sealed class CanonicalRecordScanner(Stream source)
{
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>The next record including its newline; false at the end.</summary>
    public bool TryNext(out ReadOnlySpan<byte> record)
    {
        var i = _start;
        var inQuotes = false;
        while (true)
        {
            var span = _buffer.AsSpan(0, _end);
            while (i < _end)
            {
                var rel = span[i..].IndexOfAny((byte)'"', (byte)'\n');
                if (rel < 0)
                {
                    i = _end;
                    break;
                }
                i += rel;
                if (span[i++] == (byte)'"')
                {
                    inQuotes = !inQuotes;
                    continue;
                }
                if (inQuotes) continue;
                record = span[_start..i];
                _start = i;
                return true;
            }
            if (_eof)
            {
                record = span[_start.._end];
                _start = _end;
                return !record.IsEmpty;
            }
            i -= _start;
            Fill();
        }
    }

    private void Fill()
    {
        var kept = _end - _start;
        if (kept == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
        _start = 0;
        _end = kept;
        var n = source.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }
}
