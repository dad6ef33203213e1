namespace EtlFunction.Cli;

/// <summary>
/// What <c>run --json</c> prints: the run's counts and where its outputs are, as paths a person can open
/// (local paths for a folder store, <c>s3://</c> names otherwise). A named type, not an anonymous one, so
/// the source-generated <see cref="Steps.JsonContext"/> can write it in the Native AOT binary.
/// </summary>
public sealed record RunSummary
{
    public required string RunId { get; init; }
    public required string Dataset { get; init; }
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsFiltered { get; init; }
    public long RowsRejected { get; init; }
    public long RowsDeduplicated { get; init; }
    public long RowsLoaded { get; init; }
    public bool? AlreadyLoaded { get; init; }
    public string? Table { get; init; }
    public string? Processed { get; init; }
    public string? Rejects { get; init; }
    public required IReadOnlyList<string> Archive { get; init; }
    public string? Manifest { get; init; }
    public string? Contract { get; init; }
    public bool ContractInferred { get; init; }
    public string? ContractFingerprint { get; init; }
    public Contracts.Store.ContractSourceInfo? ContractSource { get; init; }
    public string? Database { get; init; }
    public Dictionary<string, long>? RejectsByColumn { get; init; }
    public Dictionary<string, long>? FilteredByColumn { get; init; }
    public required Dictionary<string, double> Timings { get; init; }
}
