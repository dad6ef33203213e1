using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Database;

/// <summary>
/// The local (embedded) database: loads one run's processed CSV into a SQLite file. Everything a
/// run does — creating the table (or adding its new columns, <c>schema_evolution: add_columns</c>), the
/// replace-mode <c>DELETE</c>, every row, the ledger row — happens
/// in one <c>BEGIN IMMEDIATE</c> transaction, so a failure leaves nothing visible and a run id that is
/// already in <c>_etl_ledger</c> loads nothing (a retried or re-delivered file is never loaded twice).
/// Table layout and value storage: see <see cref="SqliteSchema"/>.
/// </summary>
/// <remarks>
/// Errors: an existing table that differs from the contract → <see cref="ErrorType.SchemaMismatch"/>;
/// a row whose primary key is already in the table (append mode) or repeated in the file →
/// <see cref="ErrorType.ContractViolation"/> naming the key and the row, because the rows break the
/// uniqueness the contract declares (the table itself is fine, so this is not a schema mismatch);
/// a NULL in a NOT NULL column or a malformed processed file → <see cref="ErrorType.InvalidInput"/>;
/// a locked or busy database after the busy timeout → <see cref="ErrorType.TransientError"/>.
/// </remarks>
public sealed class SqliteTableLoader : ITableLoader
{
    private const int BusyTimeoutMs = 30_000;
    private readonly TimeProvider _time;

    /// <param name="databasePath">The database file; its folder is created when missing.</param>
    /// <param name="time">The clock for the ledger's <c>loaded_at</c> (tests pass a fixed one).</param>
    public SqliteTableLoader(string databasePath, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = databasePath;
        _time = time ?? TimeProvider.System;
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }

    public string DatabasePath { get; }

    public string Describe() => "sqlite:" + DatabasePath;

    public async Task<LoadResult> LoadAsync(LoadRequest request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct = default)
    {
        var contract = LoadRequest.Validated(request, openProcessed);
        var method = contract.LoadMode == LoadMode.Upsert ? "prepared-upsert" : "prepared-insert";
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            connection.Execute(SqliteSchema.CreateLedgerSql, transaction);
            LedgerContractColumns.EnsureSqlite(connection, transaction);
            var recorded = connection.ScalarInt64(
                "SELECT rows_loaded FROM \"_etl_ledger\" WHERE run_id = @RunId", transaction, ("@RunId", request.RunId));
            if (recorded is { } rows)
            {
                transaction.Rollback();
                return new LoadResult(contract.Table, rows, AlreadyLoaded: true, method);
            }
            var changes = SqliteSchema.EnsureTable(connection, transaction, contract);
            if (contract.LoadMode == LoadMode.Replace)
            {
                connection.Execute($"DELETE FROM {SqliteSchema.Quote(contract.Table)}", transaction);
            }
            long loaded;
            await using (var stream = await openProcessed(ct).ConfigureAwait(false))
            {
                loaded = InsertRows(connection, contract, stream, ct);
            }
            connection.Execute(
                """
                INSERT INTO "_etl_ledger" (run_id, dataset, table_name, source, rows_loaded, load_mode, loaded_at,
                  contract_location, contract_version_id, contract_sha256)
                VALUES (@RunId, @Dataset, @Table, @Source, @Rows, @Mode, @LoadedAt, @ContractLocation, @ContractVersionId, @ContractSha256)
                """,
                transaction,
                ("@RunId", request.RunId),
                ("@Dataset", contract.Dataset),
                ("@Table", contract.Table),
                ("@Source", request.Source),
                ("@Rows", loaded),
                ("@Mode", contract.LoadMode.ToString().ToLowerInvariant()),
                ("@LoadedAt", SqliteValues.TimestampToText((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10)),
                ("@ContractLocation", request.ContractSource?.Location),
                ("@ContractVersionId", request.ContractSource?.VersionId),
                ("@ContractSha256", request.ContractSource?.Sha256));
            transaction.Commit();
            return new LoadResult(contract.Table, loaded, AlreadyLoaded: false, method) { SchemaChanges = changes };
        }
        catch (SqliteException e)
        {
            throw Translate(e, contract);
        }
    }

    private static long InsertRows(SqliteConnection connection, DatasetContract contract, Stream stream, CancellationToken ct)
    {
        using var reader = new CanonicalCsvReader(stream, contract);
        using var inserter = new SqliteRowInserter(connection, contract);
        long changed = 0;
        while (reader.Read())
        {
            if ((reader.RowNumber & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
            try
            {
                changed += inserter.Insert(reader);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
            {
                throw RowError(e, contract, reader, inserter);
            }
            catch (NullInNotNullColumnException e)
            {
                throw new EtlException(ErrorType.InvalidInput,
                    $"NULL in NOT NULL column {contract.Table}.{e.Column} in {Where(contract, reader)}; nothing was loaded", e);
            }
        }
        ct.ThrowIfCancellationRequested();
        return changed;
    }

    private static EtlException RowError(SqliteException e, DatasetContract contract, CanonicalCsvReader reader, SqliteRowInserter inserter)
    {
        var where = Where(contract, reader);
        switch (e.SqliteExtendedErrorCode)
        {
            case SQLitePCL.raw.SQLITE_CONSTRAINT_PRIMARYKEY or SQLitePCL.raw.SQLITE_CONSTRAINT_UNIQUE:
                var key = string.Join(", ", contract.PrimaryKey.Select(k => $"{k}={inserter.Describe(reader, contract.IndexOf(k))}"));
                var why = contract.LoadMode == LoadMode.Append
                    ? "is already in the table or earlier in this file (append mode never overwrites: use load mode upsert or replace)"
                    : "appears more than once in this file";
                return new EtlException(ErrorType.ContractViolation,
                    $"duplicate primary key ({key}) in {where}: the key {why} ({SqliteMessage(e)}); nothing was loaded", e);
            case SQLitePCL.raw.SQLITE_CONSTRAINT_NOTNULL:
                return new EtlException(ErrorType.InvalidInput,
                    $"NULL in a NOT NULL column in {where} ({SqliteMessage(e)}); nothing was loaded", e);
            default:
                return new EtlException(ErrorType.ContractViolation, $"constraint failed in {where} ({SqliteMessage(e)}); nothing was loaded", e);
        }
    }

    /// <summary>SQLite's own text (<c>UNIQUE constraint failed: orders.id</c>) out of <c>SQLite Error 19: '...'.</c></summary>
    private static string SqliteMessage(SqliteException e)
    {
        var m = e.Message;
        var first = m.IndexOf('\'', StringComparison.Ordinal);
        var last = m.LastIndexOf('\'');
        return first >= 0 && last > first ? m[(first + 1)..last] : m;
    }

    private static string Where(DatasetContract contract, CanonicalCsvReader reader) =>
        $"table {SqliteSchema.Quote(contract.Table)}, processed CSV row {reader.RowNumber.ToString(CultureInfo.InvariantCulture)}";

    private static EtlException Translate(SqliteException e, DatasetContract contract)
    {
        var transient = e.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED;
        return new EtlException(transient ? ErrorType.TransientError : ErrorType.InternalError,
            $"SQLite load of table {SqliteSchema.Quote(contract.Table)} failed: {e.Message}; nothing was loaded", e);
    }

    private SqliteConnection Open()
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooling: the file is released when a load ends (tests delete it; the CLI may move it).
            Pooling = false,
            DefaultTimeout = BusyTimeoutMs / 1000,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            // WAL + synchronous=NORMAL: a commit survives a process crash, at worst the last commits are
            // lost on power failure (never corruption); a bigger page cache keeps the primary-key index in memory.
            connection.Execute(string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"));
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
