namespace EtlFunction.Split;

/// <summary>
/// One piece of a split file: bytes <c>[Start, End)</c> that begin at a record start, and the source
/// line number of that first record (as the CSV reader counts lines), so rejects found while
/// cleaning the piece alone still name the true source line.
/// </summary>
public sealed record ByteRange(long Start, long End, long FirstLine)
{
    public long Length => End - Start;
}

/// <summary>
/// How a file splits: the header line (<c>[0, HeaderLength)</c>, prefixed to every piece so each one
/// is a complete CSV) and the ranges that cover the rest exactly, in file order. A gzip file
/// cannot be split (no record boundaries without inflating from the start): it is one range
/// from byte 0 and <see cref="Gzip"/> is set.
/// </summary>
public sealed record RecordPlan(long Length, long HeaderLength, long HeaderLines, bool Gzip, IReadOnlyList<ByteRange> Ranges)
{
    /// <summary>True when there is more than one piece to run in parallel.</summary>
    public bool IsSplit => !Gzip && Ranges.Count > 1;
}
