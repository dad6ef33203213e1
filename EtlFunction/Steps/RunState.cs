namespace EtlFunction.Steps;

/// <summary>A pointer to one object: what steps pass instead of data.</summary>
public sealed record ObjectRef(string Bucket, string Key)
{
    public string? ETag { get; init; }
    public long? Size { get; init; }
    public string? VersionId { get; init; }
    public DateTimeOffset? LastModified { get; init; }
}

/// <summary>One Parquet file of a run: its key, partition and row count.</summary>
public sealed record ArchiveRef(string Bucket, string Key, string Dt, long Rows);

/// <summary>
/// The run state: the small JSON document every step takes and returns (Step Functions passes it
/// between states; the CLI passes it between calls). It carries keys, counts and the contract
/// fingerprint — never row data — so it stays far below the 256 KiB state limit.
/// </summary>
public sealed record RunState
{
    public required string RunId { get; init; }
    public required string Dataset { get; init; }
    public required ObjectRef Source { get; init; }
    /// <summary>The effective contract, stored next to the processed output so every later step uses the same rules.</summary>
    public ObjectRef? Contract { get; init; }
    public string? ContractFingerprint { get; init; }
    /// <summary>
    /// Where the run's contract was read (store object or image file), the store's version id and the SHA-256 of
    /// the bytes; null when it was inferred. Later steps use the copy at <see cref="Contract"/>, so a publish
    /// during the run does not change its rules.
    /// </summary>
    public Contracts.Store.ContractSourceInfo? ContractSource { get; init; }
    /// <summary>True when no contract existed and the one used was inferred from the file.</summary>
    public bool ContractInferred { get; init; }
    public ObjectRef? Processed { get; init; }
    public ObjectRef? Rejects { get; init; }
    /// <summary>A split run's part list (<see cref="PartList"/>) instead of one <see cref="Processed"/> object.</summary>
    public ObjectRef? Parts { get; init; }
    /// <summary>The number of parts of a split run (the archive map has one item per part).</summary>
    public int? PartCount { get; init; }
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsFiltered { get; init; }
    public long RowsRejected { get; init; }
    public long RowsDeduplicated { get; init; }
    public long BlankLines { get; init; }
    public long? RowsLoaded { get; init; }
    public bool? AlreadyLoaded { get; init; }
    public string? LoadMethod { get; init; }
    public string? Table { get; init; }
    public string? Database { get; init; }
    /// <summary>Columns the load added to the table (<c>schema_evolution: add_columns</c>); null when none.</summary>
    public IReadOnlyList<EtlFunction.Database.SchemaChange>? SchemaChanges { get; init; }
    /// <summary>
    /// The archive partition day when the contract has no partition column: the source object's
    /// date, or the day an earlier completed run of the same object used, so a re-run rewrites
    /// the same Parquet key instead of adding a second copy under another day.
    /// </summary>
    public string? ArchiveDt { get; init; }
    public IReadOnlyList<ArchiveRef>? Archive { get; init; }
    /// <summary>Rows in the run's Parquet files, set by finalize (a split run lists its files in the manifest only).</summary>
    public long? RowsArchived { get; init; }
    public int? ArchiveFiles { get; init; }
    public ObjectRef? Manifest { get; init; }
    public Dictionary<string, long>? RejectsByColumn { get; init; }
    public Dictionary<string, long>? FilteredByColumn { get; init; }
    public Dictionary<string, double> Timings { get; init; } = [];

    /// <summary>
    /// The state once the rows are cleaned — by preprocess, or by the merge of a split run's pieces:
    /// the run's identity and the cleaner's counts; the caller adds where the processed rows are.
    /// </summary>
    internal static RunState Cleaned(string runId, string dataset, ObjectRef source, ObjectRef contract, string fingerprint, bool inferred,
        string archiveDt, string? table, ObjectRef rejects, Cleaning.CleanResult result) => new()
    {
        ArchiveDt = archiveDt,
        RunId = runId,
        Dataset = dataset,
        Source = source,
        Contract = contract,
        ContractFingerprint = fingerprint,
        ContractInferred = inferred,
        Rejects = rejects,
        RowsRead = result.RowsRead,
        RowsWritten = result.RowsWritten,
        RowsFiltered = result.RowsFiltered,
        RowsRejected = result.RowsRejected,
        RowsDeduplicated = result.RowsDeduplicated,
        BlankLines = result.BlankLines,
        Table = table,
        RejectsByColumn = new Dictionary<string, long>(result.RejectsByColumn),
        FilteredByColumn = new Dictionary<string, long>(result.FilteredByColumn),
    };

    public RunState WithTiming(string step, double seconds)
    {
        var t = new Dictionary<string, double>(Timings) { [step] = Math.Round(seconds, 3) };
        return this with { Timings = t };
    }
}
