using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>What a load is asked to do: one run's processed CSV into the contract's table.</summary>
/// <param name="RunId">The idempotency key: a run id already in the ledger loads nothing.</param>
/// <param name="Contract">Table name, columns, types, primary key and load mode.</param>
/// <param name="Source">Where the rows came from (recorded in the ledger), e.g. <c>landing/orders/x.csv</c>.</param>
public sealed record LoadRequest(string RunId, DatasetContract Contract, string Source)
{
    /// <summary>Which contract the run used (recorded in the ledger's <c>contract_*</c> columns); null when inferred.</summary>
    public Contracts.Store.ContractSourceInfo? ContractSource { get; init; }

    /// <summary>
    /// The checks every loader makes before it touches the database (arguments present, an upsert has a
    /// key), so SQLite and MySQL refuse the same requests the same way; returns the contract.
    /// </summary>
    internal static DatasetContract Validated(LoadRequest request, Func<CancellationToken, Task<Stream>> openProcessed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(openProcessed);
        var contract = request.Contract;
        if (contract.LoadMode == LoadMode.Upsert && contract.PrimaryKey.Count == 0)
        {
            throw new EtlException(ErrorType.ContractViolation, $"contract '{contract.Dataset}': upsert needs a primary_key");
        }
        return contract;
    }
}

/// <summary>The outcome of a load.</summary>
/// <param name="RowsLoaded">Rows inserted or upserted by this run (from the ledger when <paramref name="AlreadyLoaded"/>).</param>
/// <param name="AlreadyLoaded">True when the ledger already had this run: nothing was written.</param>
/// <param name="Table">The table loaded.</param>
/// <param name="Method">How the rows went in, e.g. <c>prepared-insert</c>, <c>load-data-local-infile</c>.</param>
public sealed record LoadResult(string Table, long RowsLoaded, bool AlreadyLoaded, string Method)
{
    /// <summary>Columns this load added to the table (<c>schema_evolution: add_columns</c>); empty almost always.</summary>
    public IReadOnlyList<SchemaChange> SchemaChanges { get; init; } = [];

    // By value, list included: two results are equal when they report the same load.
    public bool Equals(LoadResult? other) =>
        other is not null && Table == other.Table && RowsLoaded == other.RowsLoaded && AlreadyLoaded == other.AlreadyLoaded
        && Method == other.Method && SchemaChanges.SequenceEqual(other.SchemaChanges);

    public override int GetHashCode() => HashCode.Combine(Table, RowsLoaded, AlreadyLoaded, Method, SchemaChanges.Count);
}

/// <summary>
/// The database seam: creates the table from the contract, loads one run's processed CSV
/// (the canonical format, see <see cref="ProcessedCsv.CanonicalCsvReader"/>) according to the load mode,
/// and records the run in a ledger table in the same transaction, so a retried run never loads
/// twice and a crash leaves all or nothing. SQLite locally, MySQL in AWS.
/// </summary>
public interface ITableLoader
{
    /// <summary>Describes the target for summaries, e.g. <c>sqlite:.etl/etl.db</c>.</summary>
    string Describe();

    Task<LoadResult> LoadAsync(LoadRequest request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct = default);

    /// <summary>
    /// The same load, for a caller that is still reading the contract (the load step reads it from the store): a
    /// loader that talks to a server connects and looks <paramref name="runId"/> up in its ledger meanwhile. The
    /// default waits for the request, then loads.
    /// </summary>
    async Task<LoadResult> LoadAsync(string runId, Task<LoadRequest> request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var known = await request.ConfigureAwait(false);
        if (known.RunId != runId) throw new ArgumentException($"the request is for run {known.RunId}, not {runId}", nameof(request));
        return await LoadAsync(known, openProcessed, ct).ConfigureAwait(false);
    }
}
