using System.Globalization;
using System.IO.Compression;
using System.Text;
using EtlFunction.Tests.Unit.Cli;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>
/// <c>run</c> loads and archives while it cleans (issue #13, <see cref="EtlFunction.Steps.StreamedRun"/>): the same
/// table, counts, ledger and Parquet as the sequential order, under every dedupe policy; a rollback and no Parquet
/// when preprocess fails after rows have streamed; and no wait on a full pipe when the load reads nothing (already
/// loaded).
/// </summary>
public class StreamedLoadTests
{
    private const string Streaming = "streaming rows into";
    private const string Archiving = "writing Parquet while cleaning";

    private static string Contract(string dedupe) =>
        "dataset: items\ncolumns:\n  - {name: id, type: int64, nullable: false}\n  - {name: qty, type: int32, checks: {min: 0}}\n  - {name: label, type: string}\n"
        + $"primary_key: [id]\ndedupe: {dedupe}\n";

    /// <summary>
    /// 300,000 rows (about 7 MB, more than the 4 MiB pipe, so the cleaner waits on the load): every 1,000th id
    /// repeats an earlier one, every 997th qty is negative (rejected), one row has a field too many.
    /// </summary>
    private static string Csv(int rows = 300_000, bool duplicates = true)
    {
        var sb = new StringBuilder("id,qty,label\n");
        for (var i = 1; i <= rows; i++)
        {
            var id = duplicates && i % 1000 == 0 ? i - 500 : i;
            var qty = i % 997 == 0 ? -1 : i % 50;
            sb.Append(CultureInfo.InvariantCulture, $"{id},{qty},label {i}\n");
            if (i == 12_345) sb.Append("99999999,1,x,extra\n");
        }
        return sb.ToString();
    }

    private static string Setup(CliHarness h, string dedupe, string csv)
    {
        var contracts = Path.Combine(h.Root, "contracts");
        Directory.CreateDirectory(contracts);
        File.WriteAllText(Path.Combine(contracts, "items.yaml"), Contract(dedupe));
        var file = Path.Combine(h.Root, "items.csv");
        File.WriteAllText(file, csv);
        return contracts;
    }

    private static List<string> Query(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture))));
        return rows;
    }

    private static bool HasTable(string db, string name) =>
        File.Exists(db) && Query(db, $"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{name}'").Count == 1;

    private static long Ledger(string db) => HasTable(db, "_etl_ledger") ? long.Parse(Query(db, "SELECT COUNT(*) FROM _etl_ledger")[0], CultureInfo.InvariantCulture) : 0;

    private static string[] ParquetFiles(CliHarness h)
    {
        var archive = Path.Combine(h.Store, "archive");
        return Directory.Exists(archive) ? Directory.GetFiles(archive, "*.parquet", SearchOption.AllDirectories) : [];
    }

    [TestCase("keep_first")]
    [TestCase("none")]
    [TestCase("reject")]
    [TestCase("keep_last")] // its rows reach the processed output in the copy pass after the scan, all final
    public async Task Run_SinglePass_LoadsAndArchivesWhileCleaning_SameAsSequential(string dedupe)
    {
        // With dedupe none a repeated key would fail the load (primary key): that file has none.
        var csv = Csv(duplicates: dedupe != "none");
        using var streamed = new CliHarness();
        using var sequential = new CliHarness();
        var c1 = Setup(streamed, dedupe, csv);
        var c2 = Setup(sequential, dedupe, csv);
        var a = await streamed.Run("", "run", Path.Combine(streamed.Root, "items.csv"), "--contracts", c1, "--db", streamed.Db, "--json");
        var b = await sequential.Run("", "run", Path.Combine(sequential.Root, "items.csv"), "--contracts", c2, "--db", sequential.Db, "--json", "--sequential");
        Assert.That(a.ExitCode, Is.Zero, a.Stderr);
        Assert.That(b.ExitCode, Is.Zero, b.Stderr);
        Assert.That(a.Stderr, Does.Contain(Streaming).And.Contain(Archiving));
        Assert.That(b.Stderr, Does.Not.Contain(Streaming).And.Not.Contain(Archiving));
        foreach (var p in new[] { "rowsRead", "rowsWritten", "rowsRejected", "rowsDeduplicated", "rowsLoaded" })
        {
            Assert.That(a.Json.GetProperty(p).GetInt64(), Is.EqualTo(b.Json.GetProperty(p).GetInt64()), p);
        }
        Assert.That(a.Json.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(a.Json.GetProperty("rowsWritten").GetInt64()));
        Assert.That(a.Json.GetProperty("rowsRejected").GetInt64(), Is.GreaterThan(0));
        const string Dump = "SELECT id, qty, label FROM items ORDER BY id, label";
        Assert.That(Query(streamed.Db, Dump), Is.EqualTo(Query(sequential.Db, Dump)));
        Assert.That(Ledger(streamed.Db), Is.EqualTo(1));
        Assert.That(File.ReadAllBytes(CliHarness.Full(a.Json.GetProperty("processed"))), Is.EqualTo(File.ReadAllBytes(CliHarness.Full(b.Json.GetProperty("processed")))),
            "the processed object is the one the load read");
        var (streamedParquet, sequentialParquet) = (ParquetFiles(streamed), ParquetFiles(sequential));
        Assert.That(streamedParquet, Has.Length.EqualTo(1));
        Assert.That(sequentialParquet, Has.Length.EqualTo(1));
        Assert.That(Path.GetRelativePath(streamed.Store, streamedParquet[0]), Is.EqualTo(Path.GetRelativePath(sequential.Store, sequentialParquet[0])));
        Assert.That(File.ReadAllBytes(streamedParquet[0]), Is.EqualTo(File.ReadAllBytes(sequentialParquet[0])),
            "the Parquet written from the pipe is the one written from the processed object");
    }

    [Test]
    public async Task Run_KeepFirstTwice_SecondFindsTheLedger_AndDoesNotWaitOnThePipe()
    {
        using var h = new CliHarness();
        var contracts = Setup(h, "keep_first", Csv());
        var file = Path.Combine(h.Root, "items.csv");
        var first = await h.Run("", "run", file, "--contracts", contracts, "--db", h.Db, "--json");
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);
        var rows = Query(h.Db, "SELECT COUNT(*) FROM items")[0];
        // The second run's load reads nothing: the cleaner must not block on the 4 MiB pipe (the test would hang).
        var run = h.Run("", "run", file, "--contracts", contracts, "--db", h.Db, "--json");
        Assert.That(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2))), Is.SameAs(run), "the second run did not finish");
        var second = await run;
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);
        Assert.That(second.Json.GetProperty("alreadyLoaded").GetBoolean(), Is.True);
        Assert.That(Query(h.Db, "SELECT COUNT(*) FROM items")[0], Is.EqualTo(rows));
        Assert.That(Ledger(h.Db), Is.EqualTo(1));
    }

    [Test]
    public async Task Run_KeepFirst_GzipTruncatedAfterRowsStreamed_RollsBackTheLoad()
    {
        using var h = new CliHarness();
        var contracts = Setup(h, "keep_first", "");
        using var packed = new MemoryStream();
        using (var gz = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(Csv()));
        var bytes = packed.ToArray();
        // Cut off the trailer and a little of the last block: the cleaner has streamed almost every row when the gzip check fails.
        var file = Path.Combine(h.Root, "items.csv.gz");
        File.WriteAllBytes(file, bytes[..^16]);
        var r = await h.Run("", "run", file, "--contracts", contracts, "--db", h.Db, "--dataset", "items", "--json");
        Assert.That(r.ExitCode, Is.Not.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"), r.Stdout);
        Assert.That(r.Stderr, Does.Contain(Streaming));
        Assert.That(HasTable(h.Db, "items") ? Query(h.Db, "SELECT COUNT(*) FROM items")[0] : "0", Is.EqualTo("0"), "no row committed");
        Assert.That(Ledger(h.Db), Is.Zero, "no ledger row");
        Assert.That(r.Stderr, Does.Contain(Archiving));
        Assert.That(ParquetFiles(h), Is.Empty, "no Parquet committed");
        Assert.That(Directory.GetFiles(Path.Combine(h.Store, "processed", "_failed"), "*", SearchOption.AllDirectories), Is.Not.Empty, "the source is quarantined");
    }

    [TestCase("keep_first")]
    [TestCase("keep_last")]
    public async Task Run_HeaderBreaksTheContract_StartsNoLoad_NoTableCreated(string dedupe)
    {
        // The load starts at the cleaner's first write: a file refused at its header must not leave a table made
        // from the contract it broke (a fixed contract would then meet a SchemaMismatch on replay).
        using var h = new CliHarness();
        var contracts = Setup(h, dedupe, "id,label\n1,a\n");
        var r = await h.Run("", "run", Path.Combine(h.Root, "items.csv"), "--contracts", contracts, "--db", h.Db, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"), r.Stdout);
        Assert.That(r.Stderr, Does.Not.Contain(Streaming).And.Not.Contain(Archiving));
        Assert.That(HasTable(h.Db, "items"), Is.False);
        Assert.That(ParquetFiles(h), Is.Empty);
    }

    [Test]
    public async Task Run_KeepFirst_EveryRowRejected_NothingLoadedAndNoLedgerRow()
    {
        using var h = new CliHarness();
        var contracts = Setup(h, "keep_first", "id,qty,label\n1,-1,a\n2,-5,b\n");
        var r = await h.Run("", "run", Path.Combine(h.Root, "items.csv"), "--contracts", contracts, "--db", h.Db, "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("rowsLoaded").GetInt64(), Is.Zero);
        Assert.That(Ledger(h.Db), Is.Zero, "a run with nothing to load leaves no ledger row, as the sequential order");
        Assert.That(HasTable(h.Db, "items") ? Query(h.Db, "SELECT COUNT(*) FROM items")[0] : "0", Is.EqualTo("0"));
        Assert.That(ParquetFiles(h), Is.Empty, "nothing to archive, as the state machine's Choice skips the archive");
        Assert.That(r.Json.GetProperty("archive").GetArrayLength(), Is.Zero);
    }
}
