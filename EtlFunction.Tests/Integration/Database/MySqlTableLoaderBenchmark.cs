using System.Diagnostics;
using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Tests.Support;
using MySqlConnector;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// The loader against the plain <c>mariadb</c> client on the same server, same session: loads the processed
/// orders CSV named by <c>ETL_BENCH_PROCESSED</c> (e.g. <c>.etl/processed/orders/&lt;run&gt;/part-00000.csv</c> of
/// <c>EtlFunction run orders.csv</c>) with <c>contracts/orders.yaml</c>, each load into a fresh database, five
/// rounds, and prints the medians. Run explicitly, in Release:
/// <c>dotnet test EtlFunction.Tests -c Release --filter Category=Benchmark</c>.
/// </summary>
[Explicit("benchmark: about a minute on 1M rows")]
[Category("Benchmark")]
public sealed class MySqlTableLoaderBenchmark
{
    private const int Rounds = 5;

    [Test]
    public async Task Load_ProcessedOrders_AgainstThePlainClient()
    {
        var file = Environment.GetEnvironmentVariable("ETL_BENCH_PROCESSED");
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) Assert.Ignore("set ETL_BENCH_PROCESSED to a processed orders CSV");
        var server = TestServices.MySql;
        var contract = ContractLoader.LoadFile(Path.Combine(RepoPaths.Contracts, "orders.yaml"));
        var tsv = Path.ChangeExtension(file, ".load-data.tsv");
        await WriteTranscodedAsync(file, contract, tsv);
        var rows = File.ReadLines(tsv).LongCount();
        var times = new Dictionary<string, List<double>>();
        void Add(string name, double seconds) => (times.TryGetValue(name, out var l) ? l : times[name] = []).Add(seconds);

        for (var round = 0; round < Rounds; round++)
        {
            using (var db = new MySqlTestDb(server))
            {
                var sw = Stopwatch.StartNew();
                var result = await db.Loader.LoadAsync(new LoadRequest("bench", contract, file), _ => Task.FromResult<Stream>(File.OpenRead(file)));
                Add("loader, upsert into an empty table (LOAD DATA straight in)", sw.Elapsed.TotalSeconds);
                Assert.That(result.RowsLoaded, Is.EqualTo(rows));
                sw.Restart();
                await db.Loader.LoadAsync(new LoadRequest("bench-2", contract, file), _ => Task.FromResult<Stream>(File.OpenRead(file)));
                Add("loader, upsert of the same rows into the full table (staging + ON DUPLICATE KEY UPDATE)", sw.Elapsed.TotalSeconds);
                Assert.That(db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(rows));
            }
            using (var db = new MySqlTestDb(server))
            {
                var sw = Stopwatch.StartNew();
                var appended = await db.Loader.LoadAsync(new LoadRequest("bench", contract with { LoadMode = LoadMode.Append }, file), _ => Task.FromResult<Stream>(File.OpenRead(file)));
                Add("loader, append", sw.Elapsed.TotalSeconds);
                Assert.That(appended.RowsLoaded, Is.EqualTo(rows));
                Assert.That(db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(rows));
            }
            Add("mariadb client, LOAD DATA of the processed CSV as CSV", Client(server, contract, file,
                "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES", rows));
            Add("mariadb client, LOAD DATA of the loader's transcoded TSV", Client(server, contract, tsv, "", rows));
        }

        foreach (var (name, list) in times)
        {
            list.Sort();
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: median {list[list.Count / 2]:F2} s (runs {string.Join(", ", list.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}), {rows / list[list.Count / 2]:N0} rows/s"));
        }
    }

    [Test]
    public async Task Load_ProcessedOrders_WithBatchedInserts()
    {
        var file = Environment.GetEnvironmentVariable("ETL_BENCH_PROCESSED");
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) Assert.Ignore("set ETL_BENCH_PROCESSED to a processed orders CSV");
        var contract = ContractLoader.LoadFile(Path.Combine(RepoPaths.Contracts, "orders.yaml"));
        using var db = new MySqlTestDb(TestServices.MySqlNoLocalInfile);

        var sw = Stopwatch.StartNew();
        var result = await db.Loader.LoadAsync(new LoadRequest("bench", contract, file), _ => Task.FromResult<Stream>(File.OpenRead(file)));

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loader, {result.Method}: {sw.Elapsed.TotalSeconds:F2} s, {result.RowsLoaded / sw.Elapsed.TotalSeconds:N0} rows/s"));
        Assert.That(result.Method, Is.EqualTo(MySqlTableLoader.BatchedInsertMethod));
        var rows = CsvFiles.CountRecords(file);
        Assert.That(result.RowsLoaded, Is.EqualTo(rows));
        Assert.That(db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(rows));
    }

    private static async Task WriteTranscodedAsync(string file, DatasetContract contract, string tsv)
    {
        await using var source = new MySqlLoadDataStream(File.OpenRead(file), new LoadDataTranscoder(contract), CancellationToken.None);
        await using var target = File.Create(tsv);
        await source.CopyToAsync(target);
    }

    /// <summary>Creates the same table the loader would, then times <c>mariadb --local-infile=1 -e "LOAD DATA ..."</c> (one autocommit statement).</summary>
    private static double Client(string server, DatasetContract contract, string file, string format, long rows)
    {
        using var db = new MySqlTestDb(server);
        var b = new MySqlConnectionStringBuilder(db.ConnectionString);
        using (var c = db.Open()) db.Execute(MySqlSchema.CreateTableSql(contract, contract.Table, MySqlSchema.CollationFor(c.ServerVersion)));
        var columns = string.Join(", ", contract.Columns.Select(col => MySqlSchema.Quote(col.Name)));
        var sql = $"LOAD DATA LOCAL INFILE '{file}' INTO TABLE `{contract.Table}` CHARACTER SET utf8mb4 {format} ({columns})";
        var start = new ProcessStartInfo("mariadb")
        {
            ArgumentList = { "--no-defaults", "--local-infile=1", "-h", b.Server, "-P", b.Port.ToString(CultureInfo.InvariantCulture), "-u", b.UserID, "-p" + b.Password, b.Database, "-e", sql },
            RedirectStandardError = true,
        };
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var seconds = sw.Elapsed.TotalSeconds;
        Assert.That(process.ExitCode, Is.Zero, error);
        Assert.That(db.Count($"SELECT COUNT(*) FROM `{contract.Table}`"), Is.EqualTo(rows));
        return seconds;
    }
}
