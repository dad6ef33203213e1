namespace EtlFunction.Cleaning;

/// <summary>
/// Second half of dedupe <c>keep_last</c>: copies the spooled canonical CSV, dropping the rows
/// (by ordinal, header excluded) that a later row with the same key superseded. Canonical records
/// end at a newline outside quotes, so the scan needs no CSV parser and no per-row memory.
/// </summary>
internal static class SpoolFilter
{
    public static long CopyWithout(Stream spool, Stream output, OrdinalSet drop)
    {
        var buffer = new byte[1 << 20];
        var outBuf = new byte[1 << 20];
        var outPos = 0;
        long written = 0;
        long ordinal = -1; // -1 is the header
        var inQuotes = false;
        int n;
        while ((n = spool.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, n);
            var i = 0;
            while (i < n)
            {
                var keep = ordinal < 0 || !drop.Contains(ordinal);
                // Find the end of the current record within this buffer.
                var start = i;
                var end = -1;
                while (i < n)
                {
                    var rel = span[i..].IndexOfAny((byte)'"', (byte)'\n');
                    if (rel < 0)
                    {
                        i = n;
                        break;
                    }
                    i += rel;
                    if (span[i] == (byte)'"')
                    {
                        inQuotes = !inQuotes;
                        i++;
                        continue;
                    }
                    if (inQuotes)
                    {
                        i++;
                        continue;
                    }
                    end = ++i;
                    break;
                }
                var upTo = end < 0 ? n : end;
                if (keep)
                {
                    var part = span[start..upTo];
                    if (outPos + part.Length > outBuf.Length)
                    {
                        output.Write(outBuf, 0, outPos);
                        written += outPos;
                        outPos = 0;
                    }
                    if (part.Length > outBuf.Length)
                    {
                        output.Write(part);
                        written += part.Length;
                    }
                    else
                    {
                        part.CopyTo(outBuf.AsSpan(outPos));
                        outPos += part.Length;
                    }
                }
                if (end >= 0) ordinal++;
            }
        }
        output.Write(outBuf, 0, outPos);
        return written + outPos;
    }
}
