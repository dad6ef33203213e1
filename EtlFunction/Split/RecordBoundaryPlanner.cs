using System.Buffers;
using EtlFunction.Encodings;

namespace EtlFunction.Split;

/// <summary>
/// Splits a plain CSV into byte ranges that each begin at a record start, for cleaning the pieces
/// in parallel (local cores, or one Lambda per piece). A newline inside a quoted field is not a
/// record boundary, so a split point cannot be found by looking near it: whether a newline is
/// quoted depends on the quote parity of everything before it. The planner therefore makes one
/// sequential pass over the file, tracking the parity (the CSV reader toggles quoting on every
/// <c>"</c>, and a doubled <c>""</c> toggles twice) and counting line breaks; after each target
/// chunk size it cuts at the next newline outside quotes. The pass is a vectorized
/// <c>IndexOfAny</c> over <c>"</c>, <c>\n</c>, <c>\r</c> — a few GB/s from the page cache, so on
/// 1 GB it costs well under a second before the parallel work, and it is exact, not heuristic.
/// (A two-pass parallel parity scan would save that second; not worth its complexity yet.)
/// </summary>
/// <remarks>
/// Cuts are made only after <c>\n</c> (so <c>\r\n</c> stays whole); a file with lone <c>\r</c> line
/// ends in its header is not split. An unterminated quote keeps the parity odd to the end of the
/// file, so everything after the last boundary before it is one range — as the single path reads it.
/// The byte scan is exact for UTF-8 (a byte below 0x80 is never part of a multi-byte sequence) and for the
/// single-byte encodings (latin1, windows-1252). It is not for UTF-16, where 0x0A or 0x22 can be half of
/// any character: a file that starts with a UTF-16 byte order mark is one range, as gzip is (and a
/// contract that names UTF-16 keeps a file without one off the split path, see <see cref="ChunkedCleaner"/>).
/// </remarks>
public static class RecordBoundaryPlanner
{
    private const int BufferSize = 1 << 20;

    /// <summary>Plans the file at <paramref name="path"/>.</summary>
    public static RecordPlan Plan(string path, long chunkSize)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Plan(s, chunkSize);
    }

    /// <summary>Plans a stream read once from its current position to its end (<paramref name="source"/> need not seek).</summary>
    public static RecordPlan Plan(Stream source, long chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            return Scan(source, chunkSize, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RecordPlan Scan(Stream source, long chunkSize, byte[] buffer)
    {
        var ranges = new List<ByteRange>();
        long offset = 0;          // file offset of buffer[0]
        long lines = 0;           // line breaks before the current position
        var inQuotes = false;
        var pendingCr = false;    // a '\r' ended the previous buffer: a line break unless '\n' follows
        long headerLength = -1, headerLines = 0;
        var headerHasLoneCr = false;
        long rangeStart = 0, rangeLine = 0, target = long.MaxValue;
        int n;
        var first = true;
        while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, n);
            if (first)
            {
                first = false;
                if (n >= 2 && span[0] == 0x1f && span[1] == 0x8b)
                {
                    var length = n + Drain(source, buffer);
                    return new RecordPlan(length, 0, 0, true, [new ByteRange(0, length, 1)]);
                }
                if (SourceEncodings.Utf16ByBom(span) is not null)
                {
                    var length = n + Drain(source, buffer);
                    return new RecordPlan(length, 0, 0, false, [new ByteRange(0, length, 1)]);
                }
            }
            var i = 0;
            if (pendingCr)
            {
                pendingCr = false;
                if (span[0] != (byte)'\n') LoneCr();
            }
            while (true)
            {
                var rel = span[i..].IndexOfAny((byte)'"', (byte)'\n', (byte)'\r');
                if (rel < 0) break;
                i += rel;
                var b = span[i++];
                if (b == (byte)'"')
                {
                    inQuotes = !inQuotes;
                }
                else if (b == (byte)'\r')
                {
                    if (i == n) pendingCr = true;
                    else if (span[i] != (byte)'\n') LoneCr();
                }
                else
                {
                    lines++;
                    if (!inQuotes) RecordEnd(offset + i);
                }
            }
            offset += n;
        }
        if (pendingCr) LoneCr();
        if (headerLength < 0 || headerHasLoneCr)
        {
            // No complete header line, or a header the reader would end at a lone '\r': do not split.
            return new RecordPlan(offset, 0, 0, false, [new ByteRange(0, offset, 1)]);
        }
        if (offset > rangeStart) ranges.Add(new ByteRange(rangeStart, offset, rangeLine + 1));
        return new RecordPlan(offset, headerLength, headerLines, false, ranges);

        void LoneCr()
        {
            lines++;
            if (headerLength < 0 && !inQuotes) headerHasLoneCr = true;
        }

        // A record ends just before 'end' (after a '\n' outside quotes); 'lines' counts breaks before 'end'.
        void RecordEnd(long end)
        {
            if (headerLength < 0)
            {
                headerLength = end;
                headerLines = lines;
                rangeStart = end;
                rangeLine = lines;
                target = end + chunkSize;
                return;
            }
            if (end < target) return;
            ranges.Add(new ByteRange(rangeStart, end, rangeLine + 1));
            rangeStart = end;
            rangeLine = lines;
            target = end + chunkSize;
        }
    }

    private static long Drain(Stream s, byte[] buffer)
    {
        long total = 0;
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0) total += n;
        return total;
    }
}
