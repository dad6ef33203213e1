namespace EtlFunction.Cleaning;

/// <summary>
/// What one cleaning pass did. Every data row is counted exactly once:
/// <c>RowsRead == RowsWritten + RowsFiltered + RowsRejected + RowsDeduplicated</c>.
/// </summary>
public sealed record CleanResult
{
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsFiltered { get; init; }
    public long RowsRejected { get; init; }
    public long RowsDeduplicated { get; init; }
    /// <summary>Empty lines between records: not data, skipped and counted here.</summary>
    public long BlankLines { get; init; }
    public long BytesRead { get; init; }
    public long ProcessedBytes { get; init; }
    public long InvalidUtf8Sequences { get; init; }
    /// <summary>Rejected rows per column (or <c>(row)</c>, <c>(duplicate key)</c> for whole-row reasons).</summary>
    public IReadOnlyDictionary<string, long> RejectsByColumn { get; init; } = new Dictionary<string, long>();
    /// <summary>Filtered rows per filter column.</summary>
    public IReadOnlyDictionary<string, long> FilteredByColumn { get; init; } = new Dictionary<string, long>();
    /// <summary>Keys held for dedupe at the end (memory: see <see cref="KeyTracker"/>).</summary>
    public long DistinctKeys { get; init; }

    public bool Balanced => RowsRead == RowsWritten + RowsFiltered + RowsRejected + RowsDeduplicated;
}

/// <summary>Progress of a running clean, for the CLI's live display.</summary>
public readonly record struct CleanProgress(long RowsRead, long BytesRead);
