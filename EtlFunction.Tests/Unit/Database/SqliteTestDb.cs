using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.ProcessedCsv;
using EtlFunction.Tests.Support;
using EtlFunction.Values;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>A temporary SQLite database plus helpers to write processed CSVs and read tables back with a plain connection.</summary>
internal sealed class SqliteTestDb : IDisposable
{
    public SqliteTestDb()
    {
        Folder = Path.Combine(Path.GetTempPath(), "etl-sqlite-" + Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Folder, "sub", "etl.db");
        Loader = new SqliteTableLoader(DatabasePath, new FixedTime(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero)));
    }

    public string Folder { get; }
    public string DatabasePath { get; }
    public SqliteTableLoader Loader { get; }

    public Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows)
    {
        var bytes = TableData.Csv(contract, rows);
        return Loader.LoadAsync(new LoadRequest(runId, contract, "landing/" + contract.Dataset + "/" + runId + ".csv"),
            _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
    }

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    /// <summary>All rows of a query, each value as SQLite returned it (long, double, string or null).</summary>
    public List<object?[]> Query(string sql) => QueryFile(DatabasePath, sql);

    /// <summary>All rows of a query on any SQLite file (read-only), each value as SQLite returned it.</summary>
    public static List<object?[]> QueryFile(string databasePath, string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
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

    public void Execute(string sql)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
