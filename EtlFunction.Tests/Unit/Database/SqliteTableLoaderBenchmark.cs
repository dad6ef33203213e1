using System.Diagnostics;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.ProcessedCsv;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>
/// Load speed of 1,000,000 rows x 12 columns (run explicitly, in Release:
/// <c>dotnet test EtlFunction.Tests -c Release --filter Category=Benchmark</c>). Prints the time to only read the file too,
/// so the SQLite share is visible.
/// </summary>
[Explicit("benchmark: 1M rows, a few seconds")]
[Category("Benchmark")]
public sealed class SqliteTableLoaderBenchmark
{
    private const int Rows = 1_000_000;

    private static readonly DatasetContract Wide = Contract("wide", LoadMode.Append, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("qty", ColumnType.Int32), Col("code", ColumnType.String),
        Col("name", ColumnType.String), Col("price", ColumnType.Decimal(12, 2)), Col("big", ColumnType.Decimal(18, 4)),
        Col("score", ColumnType.Double), Col("active", ColumnType.Bool), Col("day", ColumnType.Date),
        Col("at", ColumnType.Timestamp), Col("ref", ColumnType.Int64), Col("note", ColumnType.String));

    [TestCase(LoadMode.Append)]
    [TestCase(LoadMode.Upsert)]
    public async Task Load_MillionRowsTwelveColumns(LoadMode mode)
    {
        using var db = new SqliteTestDb();
        var csv = Path.Combine(db.Folder, "part-00000.csv");
        WriteFile(csv);
        var contract = Wide with { LoadMode = mode };

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var read = Stopwatch.StartNew();
        long readRows = 0;
        using (var reader = new CanonicalCsvReader(File.OpenRead(csv), contract))
        {
            while (reader.Read()) readRows++;
        }
        read.Stop();
        var readCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        cpu = Process.GetCurrentProcess().TotalProcessorTime;

        var load = Stopwatch.StartNew();
        var result = await db.Loader.LoadAsync(new LoadRequest("bench", contract, csv), _ => Task.FromResult<Stream>(File.OpenRead(csv)));
        load.Stop();
        var loadCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        TestContext.Out.WriteLine($"{mode}: {Rows:N0} rows x 12 columns ({new FileInfo(csv).Length / 1e6:F0} MB): " +
            $"read only {read.Elapsed.TotalSeconds:F2} s (cpu {readCpu.TotalSeconds:F2} s), " +
            $"load {load.Elapsed.TotalSeconds:F2} s (cpu {loadCpu.TotalSeconds:F2} s) = {Rows / load.Elapsed.TotalSeconds:N0} rows/s");
        Assert.That(readRows, Is.EqualTo(Rows));
        Assert.That(result.RowsLoaded, Is.EqualTo(Rows));
        Assert.That(db.Scalar("SELECT count(*) FROM wide"), Is.EqualTo((long)Rows));
    }

    private static void WriteFile(string path)
    {
        using var file = File.Create(path);
        using var w = new CanonicalCsvWriter(file);
        w.WriteHeader(Wide.Columns.Select(c => c.Name));
        var random = new Random(42);
        var baseDay = new DateOnly(2020, 1, 1).DayNumber;
        for (var i = 0; i < Rows; i++)
        {
            w.WriteInt64(i + 1L);
            w.WriteInt64(random.Next(0, 1000));
            w.WriteString("C" + (i % 997).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString(i % 10 == 0 ? "Smith, John \"Jr\"" : "Customer number " + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteDecimal(random.NextInt64(-99_999_999_99L, 99_999_999_99L), 2);
            w.WriteDecimal(random.NextInt64(-999_999_999_999_999_999L, 999_999_999_999_999_999L), 4);
            w.WriteDouble(random.NextDouble() * 1000);
            w.WriteBool(i % 3 == 0);
            w.WriteDate(baseDay + i % 1500);
            w.WriteTimestamp(1_600_000_000_000_000L + i * 1_234_567L);
            if (i % 5 == 0) w.WriteNull(); else w.WriteInt64(random.NextInt64());
            if (i % 4 == 0) w.WriteNull(); else w.WriteString(i % 4 == 1 ? "" : "note");
            w.EndRow();
        }
        w.Flush();
    }
}
