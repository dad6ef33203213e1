using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// What a MySQL load needs before it knows its contract: an open connection with the loader's session settings,
/// the ledger table (created, and given the contract columns it lacks), whether the server takes
/// <c>LOAD DATA LOCAL</c>, and whether the run is already in the ledger. It exists apart so the load step can
/// run it while the contract is still being read (issue #13: the start-up was serial round trips); it asks all
/// of it in one batch, one round trip, where the loader used to send five statements one by one.
/// </summary>
internal sealed class MySqlLoadSession : IAsyncDisposable
{
    private const string SessionSql =
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', sql_notes = 1, max_error_count = 64";

    private MySqlLoadSession(MySqlConnection connection, string collation)
    {
        Connection = connection;
        Collation = collation;
    }

    public MySqlConnection Connection { get; }

    /// <summary>The collation the loader creates tables with (<see cref="MySqlSchema.CollationFor"/>).</summary>
    public string Collation { get; }

    /// <summary>The server has <c>local_infile</c> on.</summary>
    public bool LocalInfile { get; private set; }

    /// <summary>The ledger's rows for the run when it is already there (nothing to load), else null.</summary>
    public long? Recorded { get; private set; }

    /// <summary>Connects and prepares; the connection is closed again when any of it fails.</summary>
    public static async Task<MySqlLoadSession> OpenAsync(MySqlSettings settings, string runId, CancellationToken ct)
    {
        var connection = new MySqlConnection(await settings.ResolveAsync(ct).ConfigureAwait(false));
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            LoadProfile.Mark("open");
            var session = new MySqlLoadSession(connection, MySqlSchema.CollationFor(connection.ServerVersion));
            await session.PrepareAsync(runId, ct).ConfigureAwait(false);
            LoadProfile.Mark("prepared");
            return session;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Session settings, ledger DDL and the three look-ups in one batch; then the ledger columns a pre-existing ledger lacks.</summary>
    private async Task PrepareAsync(string runId, CancellationToken ct)
    {
        var have = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new MySqlCommand(
            $"""
            {SessionSql};
            {MySqlSchema.CreateLedgerSql(Collation)};
            SELECT @@GLOBAL.local_infile;
            SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_etl_ledger';
            SELECT rows_loaded FROM `_etl_ledger` WHERE run_id = @runId
            """, Connection) { CommandTimeout = 0 })
        {
            command.Parameters.AddWithValue("@runId", runId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            // The SET and the CREATE return no result set: the reader starts at the first SELECT.
            LocalInfile = await reader.ReadAsync(ct).ConfigureAwait(false) && !reader.IsDBNull(0) && Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) != 0;
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) have.Add(reader.GetValue(0) is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : reader.GetString(0));
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            Recorded = await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : null;
        }
        await LedgerContractColumns.AddMissingMySqlAsync(Connection, have, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
