using EtlFunction.ProcessedCsv;

namespace EtlFunction.Cleaning;

/// <summary>
/// Second half of dedupe <c>keep_last</c>: copies the spooled canonical CSV, dropping the rows
/// (by ordinal, header excluded) that a later row with the same key superseded. Records are found
/// by <see cref="CanonicalRecordScanner"/> (a newline outside quotes ends one), so the copy needs no
/// CSV parser and no per-row memory. The output stream is written in large blocks and left open.
/// </summary>
internal static class SpoolFilter
{
    public static long CopyWithout(Stream spool, Stream output, OrdinalSet drop)
    {
        var scanner = new CanonicalRecordScanner(spool);
        var block = new byte[1 << 20];
        var used = 0;
        long written = 0;
        long ordinal = -1; // -1 is the header
        while (scanner.TryNext(out var record))
        {
            if (ordinal < 0 || !drop.Contains(ordinal))
            {
                if (used + record.Length > block.Length)
                {
                    output.Write(block, 0, used);
                    used = 0;
                }
                if (record.Length > block.Length)
                {
                    output.Write(record);
                }
                else
                {
                    record.CopyTo(block.AsSpan(used));
                    used += record.Length;
                }
                written += record.Length;
            }
            ordinal++;
        }
        output.Write(block, 0, used);
        return written;
    }
}
