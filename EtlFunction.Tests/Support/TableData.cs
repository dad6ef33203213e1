using EtlFunction.Contracts;
using EtlFunction.ProcessedCsv;
using EtlFunction.Values;

namespace EtlFunction.Tests.Support;

/// <summary>
/// Contracts and processed CSVs for the loader tests, SQLite and MySQL alike (no database here):
/// <c>using static EtlFunction.Tests.Support.TableData;</c> gives <see cref="Col"/>, <see cref="Contract"/> and <see cref="Csv"/>.
/// </summary>
internal static class TableData
{
    public static ColumnSpec Col(string name, ColumnType type, bool nullable = true) =>
        new() { Name = name, Source = name, Type = type, Nullable = nullable };

    public static DatasetContract Contract(string table, LoadMode mode, IReadOnlyList<string> pk, params ColumnSpec[] columns) =>
        new() { Dataset = table, Table = table, Columns = columns, PrimaryKey = pk, LoadMode = mode };

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
}

internal static class Micros
{
    public static DateTime Utc(long unixMicros) => DateTime.UnixEpoch.AddTicks(unixMicros * 10);

    public static long Of(int year, int month, int day, int h, int m, int s, int micros) =>
        (new DateOnly(year, month, day).DayNumber - ValueParser.UnixEpochDayNumber) * ValueParser.MicrosPerDay
        + ((h * 3600L + m * 60 + s) * 1_000_000) + micros;
}
