using System.Data;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// The AWS database: loads one run's processed CSV into MySQL (RDS MySQL 8, Aurora MySQL or MariaDB) by
/// streaming it through <c>LOAD DATA LOCAL INFILE</c>, rewritten on the fly by <see cref="LoadDataTranscoder"/> so
/// NULL and the empty string stay apart. The rows, the mode's statements and the ledger row in
/// <c>_etl_ledger</c> are one InnoDB transaction: a failure or a crash at any point leaves the table as it was,
/// and a run id already in the ledger loads nothing.
/// </summary>
/// <remarks>
/// <para>Modes. <b>append</b>: LOAD DATA straight into the table. LOAD DATA LOCAL cannot raise a duplicate-key
/// error (it skips the row with a warning), so every statement's warnings are read and any warning — a duplicate,
/// a cut string, a rounded decimal — fails the load and rolls it back; the server's row count must also equal the
/// file's. <b>upsert</b>: into an empty table it is an append (the table is locked with <c>SELECT ... FOR UPDATE</c>
/// first); otherwise the rows go into a session-temporary staging table, then
/// <c>INSERT INTO t SELECT ... FROM staging ON DUPLICATE KEY UPDATE</c>, which updates rows in place.
/// <c>REPLACE</c> is not used: it deletes and re-inserts, which fires delete triggers and ON DELETE CASCADE
/// foreign keys of other tables. <b>replace</b>: <c>DELETE FROM t</c>, then append; not TRUNCATE, which commits.</para>
/// <para>DDL (creating the ledger or the table, or adding columns under <c>schema_evolution: add_columns</c>) commits
/// implicitly in MySQL, so it runs before the transaction: a failed first load leaves an empty table behind, a failed
/// evolving load the added columns (NULL in every row), never rows.</para>
/// <para>When the server refuses LOAD DATA LOCAL (<c>local_infile=0</c>, the RDS default), the rows go in as
/// batched prepared INSERTs (<see cref="MySqlBatchInserter"/>) in the same transaction and the result's
/// <see cref="LoadResult.Method"/> says so. Errors: see <see cref="MySqlErrors"/>; table layout: <see cref="MySqlSchema"/>.</para>
/// </remarks>
public sealed class MySqlTableLoader : ITableLoader
{
    public const string LoadDataMethod = "load-data-local-infile";
    public const string BatchedInsertMethod = "batched-insert";

    private readonly MySqlSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;

    /// <param name="settings">Where to connect (the connection string provider).</param>
    /// <param name="time">The clock for the ledger's <c>loaded_at</c> (tests pass a fixed one).</param>
    /// <param name="log">Told when the loader falls back to batched INSERTs.</param>
    public MySqlTableLoader(MySqlSettings settings, TimeProvider? time = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _log = log ?? (_ => { });
    }

    public string Describe() => _settings.Target;

    public Task<LoadResult> LoadAsync(LoadRequest request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct = default)
    {
        // Refused before anything connects.
        LoadRequest.Validated(request, openProcessed);
        return LoadAsync(request.RunId, Task.FromResult(request), openProcessed, ct);
    }

    /// <summary>
    /// Connects, prepares the ledger and looks the run up (<see cref="MySqlLoadSession"/>) while <paramref name="request"/>
    /// (the contract) is still being read; then loads as <see cref="LoadAsync(LoadRequest, Func{CancellationToken, Task{Stream}}, CancellationToken)"/>.
    /// When the request fails, its error is the load's and the connection is closed.
    /// </summary>
    public async Task<LoadResult> LoadAsync(string runId, Task<LoadRequest> request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(request);
        var connecting = MySqlLoadSession.OpenAsync(_settings, runId, ct);
        LoadRequest known;
        try
        {
            known = await request.ConfigureAwait(false);
            LoadRequest.Validated(known, openProcessed);
            if (known.RunId != runId) throw new ArgumentException($"the request is for run {known.RunId}, not {runId}", nameof(request));
        }
        catch
        {
            await CloseUnusedAsync(connecting).ConfigureAwait(false);
            throw;
        }
        try
        {
            await using var session = await connecting.ConfigureAwait(false);
            return await LoadCoreAsync(session, known, openProcessed, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not EtlException and not OperationCanceledException)
        {
            throw MySqlErrors.Translate(e, known.Contract);
        }
    }

    /// <summary>The session started for a request that failed: closed; its own failure, if any, is not the one to report.</summary>
    private static async Task CloseUnusedAsync(Task<MySqlLoadSession> connecting)
    {
        try
        {
            await (await connecting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MySqlException or IOException or System.Net.Sockets.SocketException or TimeoutException
                                      or OperationCanceledException or ArgumentException or InvalidOperationException or EtlException)
        {
            // the request's error is reported instead
        }
    }

    private async Task<LoadResult> LoadCoreAsync(MySqlLoadSession session, LoadRequest request, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct)
    {
        var contract = request.Contract;
        var connection = session.Connection;
        var method = session.LocalInfile ? LoadDataMethod : BatchedInsertMethod;
        if (session.Recorded is { } recorded)
        {
            return new LoadResult(contract.Table, recorded, AlreadyLoaded: true, method);
        }
        // The processed file's GET runs beside the schema check and the ledger claim.
        await using var processed = new EarlyOpen(openProcessed, ct);
        var changes = await MySqlSchemaCheck.EnsureTableAsync(connection, contract, session.Collation, ct).ConfigureAwait(false);
        LoadProfile.Mark("schema");
        // The staging table is made before the transaction: with GTID replication (RDS read replicas, binlog
        // format STATEMENT) MySQL refuses CREATE TEMPORARY TABLE inside one.
        var staging = contract.LoadMode == LoadMode.Upsert ? "_etl_stage_" + Guid.NewGuid().ToString("N")[..16] : null;
        if (staging is not null)
        {
            await ExecuteAsync(connection, null, MySqlSchema.CreateTableSql(contract, staging, session.Collation, temporary: true), ct).ConfigureAwait(false);
        }
        try
        {
            var result = await LoadInTransactionAsync(connection, request, processed.OpenAsync, method, staging, ct).ConfigureAwait(false);
            return result with { SchemaChanges = changes };
        }
        finally
        {
            if (staging is not null) await DropQuietlyAsync(connection, staging).ConfigureAwait(false);
        }
    }

    private async Task<LoadResult> LoadInTransactionAsync(MySqlConnection connection, LoadRequest request,
        Func<CancellationToken, Task<Stream>> openProcessed, string method, string? staging, CancellationToken ct)
    {
        var contract = request.Contract;
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        LoadProfile.Mark("begin");
        if (!await ClaimRunAsync(connection, transaction, request, ct).ConfigureAwait(false))
        {
            // another load of this run committed while we were getting here
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            var rows = await LedgerRowsAsync(connection, null, request.RunId, ct).ConfigureAwait(false) ?? 0;
            return new LoadResult(contract.Table, rows, AlreadyLoaded: true, method);
        }
        LoadProfile.Mark("claim");
        var into = await PrepareModeAsync(connection, transaction, contract, staging, ct).ConfigureAwait(false);
        long loaded;
        (loaded, method) = await LoadRowsAsync(connection, transaction, contract, into, method, openProcessed, ct).ConfigureAwait(false);
        if (into != contract.Table)
        {
            await MergeAsync(connection, transaction, contract, into, ct).ConfigureAwait(false);
        }
        await connection.ExecuteAsync(
            "UPDATE `_etl_ledger` SET rows_loaded = @Rows, loaded_at = @LoadedAt WHERE run_id = @RunId",
            transaction, ct, ("@Rows", loaded), ("@LoadedAt", Now()), ("@RunId", request.RunId)).ConfigureAwait(false);
        LoadProfile.Mark("ledgerWrite");
        ct.ThrowIfCancellationRequested();
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        LoadProfile.Mark("commit");
        return new LoadResult(contract.Table, loaded, AlreadyLoaded: false, method);
    }

    /// <summary>
    /// Inserts this run's ledger row first (rows filled in at the end): a second load of the same run waits on
    /// the row lock and then sees a duplicate key, so two concurrent loads of one run never both load.
    /// </summary>
    private async Task<bool> ClaimRunAsync(MySqlConnection connection, MySqlTransaction transaction, LoadRequest request, CancellationToken ct)
    {
        var contract = request.Contract;
        try
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO `_etl_ledger` (run_id, dataset, table_name, source, rows_loaded, load_mode, loaded_at,
                  contract_location, contract_version_id, contract_sha256)
                VALUES (@RunId, @Dataset, @Table, @Source, 0, @Mode, @LoadedAt, @ContractLocation, @ContractVersionId, @ContractSha256)
                """,
                transaction, ct,
                ("@RunId", request.RunId),
                ("@Dataset", contract.Dataset),
                ("@Table", contract.Table),
                ("@Source", request.Source),
                ("@Mode", contract.LoadMode.ToString().ToLowerInvariant()),
                ("@LoadedAt", Now()),
                ("@ContractLocation", request.ContractSource?.Location),
                ("@ContractVersionId", request.ContractSource?.VersionId),
                ("@ContractSha256", request.ContractSource?.Sha256)).ConfigureAwait(false);
            return true;
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return false;
        }
    }

    /// <summary>Runs the mode's statements before the rows; returns the table the rows go into (the target or the staging table).</summary>
    private static async Task<string> PrepareModeAsync(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract, string? staging, CancellationToken ct)
    {
        var target = MySqlSchema.Quote(contract.Table);
        switch (contract.LoadMode)
        {
            case LoadMode.Replace:
                await ExecuteAsync(connection, transaction, $"DELETE FROM {target}", ct).ConfigureAwait(false);
                return contract.Table;
            case LoadMode.Upsert:
                // Locking read: the row (or, in an empty table, the whole key range) stays locked until commit.
                var any = await connection.ScalarInt64Async(
                    $"SELECT 1 FROM {target} LIMIT 1 FOR UPDATE", transaction, ct).ConfigureAwait(false);
                return any is null ? contract.Table : staging!;
            default:
                return contract.Table;
        }
    }

    private async Task<(long Rows, string Method)> LoadRowsAsync(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract,
        string into, string method, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct)
    {
        if (method == LoadDataMethod)
        {
            try
            {
                return (await LoadDataAsync(connection, transaction, contract, into, openProcessed, ct).ConfigureAwait(false), method);
            }
            catch (MySqlException e) when (MySqlErrors.IsLocalInfileRefused(e))
            {
                // local_infile reads ON but the statement is refused (e.g. a proxy in between): same fallback
                _log($"mysql: {Describe()} refused LOAD DATA LOCAL INFILE ({e.Message})");
            }
        }
        _log($"mysql: LOAD DATA LOCAL INFILE is not available on {Describe()} (local_infile off); " +
             $"loading {contract.Table} with batched INSERTs of up to {MySqlBatchInserter.MaxRowsPerStatement} rows");
        await using var stream = await openProcessed(ct).ConfigureAwait(false);
        var rows = await new MySqlBatchInserter(connection, transaction, contract, into).InsertAllAsync(stream, ct).ConfigureAwait(false);
        return (rows, BatchedInsertMethod);
    }

    private static async Task<long> LoadDataAsync(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract,
        string into, Func<CancellationToken, Task<Stream>> openProcessed, CancellationToken ct)
    {
        var transcoder = new LoadDataTranscoder(contract);
        // MySqlBulkLoader disposes the stream (and so the processed file's stream) when the statement ends.
        var source = new MySqlLoadDataStream(await openProcessed(ct).ConfigureAwait(false), transcoder, ct);
        LoadProfile.Mark("s3Open");
        var bulk = new MySqlBulkLoader(connection)
        {
            Local = true,
            SourceStream = source,
            TableName = MySqlSchema.Quote(into),
            CharacterSet = "utf8mb4",
            FieldTerminator = "\t",
            LineTerminator = "\n",
            EscapeCharacter = '\\',
            NumberOfLinesToSkip = 0,
            ConflictOption = MySqlBulkLoaderConflictOption.None,
            Timeout = 0,
        };
        bulk.Columns.AddRange(contract.Columns.Select(c => MySqlSchema.Quote(c.Name)));
        var affected = await bulk.LoadAsync(ct).ConfigureAwait(false);
        LoadProfile.Mark("loadData");
        await MySqlWarnings.ThrowIfAnyAsync(connection, transaction, contract, "LOAD DATA", ct).ConfigureAwait(false);
        LoadProfile.Mark("warnings");
        if (affected != transcoder.Rows)
        {
            throw new EtlException(ErrorType.DataLossError,
                $"LOAD DATA into {MySqlSchema.Quote(into)} stored {affected} rows but the processed CSV has {transcoder.Rows}; nothing was loaded");
        }
        return transcoder.Rows;
    }

    /// <summary>Staging → target by primary key: new keys are inserted, existing rows updated in place.</summary>
    private static async Task MergeAsync(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract, string staging, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, UpsertSql(contract, staging), ct).ConfigureAwait(false);
        await MySqlWarnings.ThrowIfAnyAsync(connection, transaction, contract, "INSERT ... ON DUPLICATE KEY UPDATE", ct).ConfigureAwait(false);
    }

    /// <summary>Best effort: a pooled connection is reset (dropping temporary tables) anyway, unless ConnectionReset=false.</summary>
    private static async Task DropQuietlyAsync(MySqlConnection connection, string staging)
    {
        if (connection.State != ConnectionState.Open) return;
        try
        {
            await ExecuteAsync(connection, null, $"DROP TEMPORARY TABLE IF EXISTS {MySqlSchema.Quote(staging)}", CancellationToken.None).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
            // the session is broken; the server drops the table with it
        }
    }

    /// <summary>
    /// <c>INSERT INTO `t` (`k`, `v`) SELECT `s`.`k`, `s`.`v` FROM `s` ON DUPLICATE KEY UPDATE `t`.`v` = `s`.`v`</c>
    /// (<c>`t`.`k` = `t`.`k`</c>, a no-op, when every column is in the key). Columns are qualified by table name,
    /// so no alias can collide with a user's table or column names.
    /// </summary>
    public static string UpsertSql(DatasetContract contract, string staging)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var t = MySqlSchema.Quote(contract.Table);
        var s = MySqlSchema.Quote(staging);
        var columns = contract.Columns.Select(c => MySqlSchema.Quote(c.Name)).ToList();
        var updated = contract.Columns.Where(c => !MySqlSchema.IsKey(contract, c)).Select(c => MySqlSchema.Quote(c.Name)).ToList();
        var set = updated.Count == 0
            ? [$"{t}.{MySqlSchema.Quote(contract.PrimaryKey[0])} = {t}.{MySqlSchema.Quote(contract.PrimaryKey[0])}"]
            : updated.Select(c => $"{t}.{c} = {s}.{c}");
        return $"INSERT INTO {t} ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns.Select(c => $"{s}.{c}"))} FROM {s} " +
               $"ON DUPLICATE KEY UPDATE {string.Join(", ", set)}";
    }

    private static Task<long?> LedgerRowsAsync(MySqlConnection connection, MySqlTransaction? transaction, string runId, CancellationToken ct) =>
        connection.ScalarInt64Async(
            "SELECT rows_loaded FROM `_etl_ledger` WHERE run_id = @runId", transaction, ct, ("@runId", runId));

    private static async Task ExecuteAsync(MySqlConnection connection, MySqlTransaction? transaction, string sql, CancellationToken ct)
    {
        // No command timeout: a DELETE or a merge of millions of rows may take minutes; the host's deadline bounds it.
        await using var command = new MySqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Now in UTC, to the microsecond (what DATETIME(6) stores).</summary>
    private DateTime Now()
    {
        var ticks = _time.GetUtcNow().UtcDateTime.Ticks;
        return new DateTime(ticks - ticks % 10, DateTimeKind.Unspecified);
    }
}
