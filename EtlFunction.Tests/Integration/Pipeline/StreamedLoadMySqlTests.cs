using System.IO.Compression;
using EtlFunction.Generator;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// <c>run --s3 --mysql</c> loading while it cleans (a <c>keep_first</c> copy of the orders contract): the same
/// table as the sequential order through LOAD DATA LOCAL INFILE fed by the pipe, and a rollback on MariaDB
/// when preprocess fails after rows have streamed.
/// </summary>
[NonParallelizable]
public class StreamedLoadMySqlTests
{
    private const string Streaming = "streaming rows into";

    private static string KeepFirstContracts(string work)
    {
        var folder = Path.Combine(work, "contracts");
        Directory.CreateDirectory(folder);
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Contracts, "orders.yaml"));
        Assert.That(yaml, Does.Contain("dedupe: keep_last"));
        File.WriteAllText(Path.Combine(folder, "orders.yaml"), yaml.Replace("dedupe: keep_last", "dedupe: keep_first", StringComparison.Ordinal));
        return folder;
    }

    private static string[] Options(PipelineServices s, string contracts) =>
    [
        "--s3", "--landing-bucket", s.Landing.Name, "--processed-bucket", s.Processed.Name, "--archive-bucket", s.Archive.Name,
        "--mysql", s.Db.ConnectionString, "--contracts", contracts,
    ];

    // Every column of every row, order-independent: equal sums mean equal tables (short of a collision).
    private const string Checksum = "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', order_id, customer_id, IFNULL(customer_email, '<null>'), IFNULL(country, '<null>'), amount, currency, quantity, order_date, created_at, status, is_gift, IFNULL(note, '<null>'))))";

    [Test]
    public async Task Run_KeepFirstOnMySql_StreamsTheLoad_SameTableAsSequential()
    {
        await using var streamed = await PipelineServices.StartAsync("stream");
        await using var sequential = await PipelineServices.StartAsync("seq");
        var sample = Path.Combine(RepoPaths.Samples, "orders.csv");
        var a = await streamed.RunAsync(["run", sample, "--json", .. Options(streamed, KeepFirstContracts(streamed.Work))]);
        var b = await sequential.RunAsync(["run", sample, "--json", "--sequential", .. Options(sequential, KeepFirstContracts(sequential.Work))]);
        Assert.That(a.ExitCode, Is.Zero, a.Stderr);
        Assert.That(b.ExitCode, Is.Zero, b.Stderr);
        Assert.That(a.Stderr, Does.Contain(Streaming));
        Assert.That(b.Stderr, Does.Not.Contain(Streaming));
        Assert.That(a.Json.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(a.Json.GetProperty("rowsWritten").GetInt64()));
        Assert.That(a.Json.GetProperty("rowsDeduplicated").GetInt64(), Is.GreaterThan(0));
        foreach (var p in new[] { "rowsRead", "rowsWritten", "rowsRejected", "rowsDeduplicated", "rowsLoaded" })
        {
            Assert.That(a.Json.GetProperty(p).GetInt64(), Is.EqualTo(b.Json.GetProperty(p).GetInt64()), p);
        }
        Assert.That(streamed.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(a.Json.GetProperty("rowsWritten").GetInt64()));
        Assert.That(string.Join(",", streamed.Db.Query(Checksum + " FROM orders").Single()), Is.EqualTo(string.Join(",", sequential.Db.Query(Checksum + " FROM orders").Single())));
        Assert.That(streamed.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public async Task Run_KeepFirstOnMySql_GzipTruncated_RollsBackTheStreamedRows()
    {
        await using var s = await PipelineServices.StartAsync("streamgz");
        // 60,000 rows (about 7 MB): the cleaner writes, and the load streams, rows before the truncated end
        // fails it (the consumers start at the cleaner's first write; the 576 KB sample fits in one).
        var plain = Path.Combine(s.Work, "orders-60k.csv");
        DataGenerators.Create("orders", 60_000, 7).WriteFile(plain);
        using var packed = new MemoryStream();
        using (var gz = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await using var src = File.OpenRead(plain);
            await src.CopyToAsync(gz);
        }
        var file = Path.Combine(s.Work, "orders.csv.gz");
        await File.WriteAllBytesAsync(file, packed.ToArray()[..^16]);
        var r = await s.RunAsync(["run", file, "--dataset", "orders", "--json", .. Options(s, KeepFirstContracts(s.Work))]);
        Assert.That(r.ExitCode, Is.Not.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"), r.Stdout);
        Assert.That(r.Stderr, Does.Contain(Streaming));
        var tables = s.Db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'orders'");
        Assert.That(tables == 0 ? 0 : s.Db.Count("SELECT COUNT(*) FROM orders"), Is.Zero, "no row committed");
        var ledger = s.Db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_etl_ledger'");
        Assert.That(ledger == 0 ? 0 : s.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.Zero, "no ledger row");
    }
}
