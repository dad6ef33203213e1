using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Tests.Support;
using MySqlConnector;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// A database of its own on a test server (<c>etl_t_&lt;random&gt;</c>, dropped afterwards), a loader
/// pointed at it, and helpers to read tables back with a plain connection. Processed CSVs are written
/// with the same helper as the SQLite tests (<see cref="TableData.Csv"/>).
/// </summary>
internal sealed class MySqlTestDb : IDisposable
{
    public static readonly DateTimeOffset FixedNow = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public MySqlTestDb(string serverConnectionString)
    {
        Database = "etl_t_" + Guid.NewGuid().ToString("N")[..20];
        var builder = new MySqlConnectionStringBuilder(serverConnectionString) { Database = Database, Pooling = false };
        ConnectionString = builder.ConnectionString;
        using (var admin = new MySqlConnection(new MySqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString))
        {
            admin.Open();
            using var create = new MySqlCommand($"CREATE DATABASE `{Database}` CHARACTER SET utf8mb4", admin);
            create.ExecuteNonQuery();
        }
        // The test servers have no TLS; a Testcontainers MySQL may sit on a Docker host that is not loopback.
        Loader = new MySqlTableLoader(MySqlSettings.FromConnectionString(ConnectionString, allowUnencryptedRemote: true), new FixedTime(FixedNow), Log.Add);
    }

    /// <summary>A database on <paramref name="server"/>'s instance (<see cref="MySqlServers"/>) with <c>local_infile</c> on (or off).</summary>
    public static async Task<MySqlTestDb> CreateAsync(string server, bool localInfile = true) =>
        new(await MySqlServers.ConnectionStringAsync(server, localInfile));

    public string Database { get; }
    public string ConnectionString { get; }
    public MySqlTableLoader Loader { get; }
    public List<string> Log { get; } = [];

    public Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows) =>
        LoadBytesAsync(runId, contract, TableData.Csv(contract, rows));

    public Task<LoadResult> LoadBytesAsync(string runId, DatasetContract contract, byte[] bytes) =>
        Loader.LoadAsync(new LoadRequest(runId, contract, "landing/" + contract.Dataset + "/" + runId + ".csv"),
            _ => Task.FromResult<Stream>(new MemoryStream(bytes)));

    /// <summary>The binary collation the loader creates string columns with on this server.</summary>
    public string Collation
    {
        get
        {
            using var c = Open();
            return MySqlSchema.CollationFor(c.ServerVersion);
        }
    }

    public MySqlConnection Open()
    {
        var c = new MySqlConnection(ConnectionString);
        c.Open();
        return c;
    }

    /// <summary>All rows of a query; each value as MySqlConnector returns it (long, decimal, double, string, bool, DateTime, DateOnly...) or null.</summary>
    public List<object?[]> Query(string sql)
    {
        using var c = Open();
        using var cmd = new MySqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public object? Scalar(string sql) => Query(sql).Single().Single();

    public long Count(string sql) => Convert.ToInt64(Scalar(sql), System.Globalization.CultureInfo.InvariantCulture);

    public void Execute(string sql)
    {
        using var c = Open();
        using var cmd = new MySqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            Execute($"DROP DATABASE IF EXISTS `{Database}`");
        }
        catch (MySqlException)
        {
            // the server is gone; nothing to clean up
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
