using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.ProcessedCsv;
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

    public static ColumnSpec Col(string name, ColumnType type, bool nullable = true) =>
        new() { Name = name, Source = name, Type = type, Nullable = nullable };

    public static DatasetContract Contract(string table, LoadMode mode, IReadOnlyList<string> pk, params ColumnSpec[] columns) =>
        new() { Dataset = table, Table = table, Columns = columns, PrimaryKey = pk, LoadMode = mode };

    public Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows)
    {
        var bytes = Csv(contract, rows);
        return Loader.LoadAsync(new LoadRequest(runId, contract, "landing/" + contract.Dataset + "/" + runId + ".csv"),
            _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
    }

    /// <summary>
    /// A processed CSV in the canonical format. Values: null, string, long (int or decimal unscaled),
    /// decimal (scaled by the column's scale), double, bool, DateOnly, DateTime (UTC).
    /// </summary>
    public static byte[] Csv(DatasetContract contract, IEnumerable<object?[]> rows)
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            w.WriteHeader(contract.Columns.Select(c => c.Name));
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++) Write(w, contract.Columns[i].Type, row[i]);
                w.EndRow();
            }
            w.Flush();
        }
        return ms.ToArray();
    }

    private static void Write(CanonicalCsvWriter w, ColumnType type, object? v)
    {
        switch (v)
        {
            case null: w.WriteNull(); break;
            case string s: w.WriteString(s); break;
            case bool b: w.WriteBool(b); break;
            case double d: w.WriteDouble(d); break;
            case DateOnly d: w.WriteDate(d.DayNumber); break;
            case DateTime t: w.WriteTimestamp((t - DateTime.UnixEpoch).Ticks / 10); break;
            case decimal m: w.WriteDecimal((long)(m * (decimal)Math.Pow(10, type.Scale)), type.Scale); break;
            case long l when type.Kind == TypeKind.Decimal: w.WriteDecimal(l, type.Scale); break;
            case long l: w.WriteInt64(l); break;
            case int n: w.WriteInt64(n); break;
            default: throw new ArgumentException($"unsupported test value {v.GetType()}");
        }
    }

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    /// <summary>All rows of a query, each value as SQLite returned it (long, double, string or null).</summary>
    public List<object?[]> Query(string sql)
    {
        using var c = Open();
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

internal static class Micros
{
    public static DateTime Utc(long unixMicros) => DateTime.UnixEpoch.AddTicks(unixMicros * 10);

    public static long Of(int year, int month, int day, int h, int m, int s, int micros) =>
        (new DateOnly(year, month, day).DayNumber - ValueParser.UnixEpochDayNumber) * ValueParser.MicrosPerDay
        + ((h * 3600L + m * 60 + s) * 1_000_000) + micros;
}
