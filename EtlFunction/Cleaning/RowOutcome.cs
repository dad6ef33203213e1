namespace EtlFunction.Cleaning;

/// <summary>What happened to one source record.</summary>
internal enum RowFate { Blank, Written, Filtered, Rejected }

/// <summary>
/// The result of cleaning one record on a worker thread, handed back in file order: the canonical
/// bytes of a valid row and its key, or why it was filtered or rejected. Instances are pooled and
/// their byte buffers reused, so the parallel path allocates nothing per valid row.
/// </summary>
internal sealed class RowOutcome
{
    public RowFate Fate;
    public long Line;
    public byte[] Bytes = new byte[256];
    public int Length;
    public long LongKey;
    public string? StringKey;
    /// <summary>Filter column that dropped the row, or the rejected column(s).</summary>
    public string? Column;
    public string? Reason;
    /// <summary>The raw record, kept only for rejects.</summary>
    public string? Record;
    /// <summary>Rejected columns, one entry each (for the per-column counts).</summary>
    public List<string> Columns { get; } = [];

    public void SetBytes(ReadOnlySpan<byte> row)
    {
        if (Bytes.Length < row.Length) Bytes = new byte[Math.Max(row.Length, Bytes.Length * 2)];
        row.CopyTo(Bytes);
        Length = row.Length;
    }

    public void Reset()
    {
        Length = 0;
        StringKey = null;
        Column = null;
        Reason = null;
        Record = null;
        Columns.Clear();
    }
}
