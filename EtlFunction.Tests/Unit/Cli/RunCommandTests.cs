using System.Globalization;
using EtlFunction.Generator;
using EtlFunction.Parquet;
using EtlFunction.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>The acceptance checks of the local run: every output exists and agrees on the counts.</summary>
public class RunCommandTests
{
    private static T Scalar<T>(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task Run_TitanicSample_AllOutputsAgreeOnCounts()
    {
        using var h = new CliHarness();
        var r = await h.Run("", "run", Path.Combine(RepoPaths.Samples, "titanic.csv"), "--dataset", "titanic", "--json", "--db", h.Db);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        var read = j.GetProperty("rowsRead").GetInt64();
        var written = j.GetProperty("rowsWritten").GetInt64();
        Assert.That(read, Is.EqualTo(900));
        Assert.That(read, Is.EqualTo(written + j.GetProperty("rowsFiltered").GetInt64() + j.GetProperty("rowsRejected").GetInt64() + j.GetProperty("rowsDeduplicated").GetInt64()));
        Assert.That(j.GetProperty("rowsFiltered").GetInt64(), Is.GreaterThan(0), "non-survivors are filtered");
        Assert.That(j.GetProperty("rowsRejected").GetInt64(), Is.GreaterThan(0), "rows without a usable age are rejected");

        Assert.That(CsvFiles.CountRecords(CliHarness.Full(j.GetProperty("processed"))), Is.EqualTo(written));
        Assert.That(CsvFiles.CountRecords(CliHarness.Full(j.GetProperty("rejects"))), Is.EqualTo(j.GetProperty("rowsRejected").GetInt64()));
        var parquet = j.GetProperty("archive").EnumerateArray().Select(CliHarness.Full).ToList();
        Assert.That(parquet.Sum(p => ParquetReadBack.ReadFile(p).RowCount), Is.EqualTo(written));
        Assert.That(Scalar<long>(h.Db, "SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written));
        Assert.That(Scalar<long>(h.Db, "SELECT COUNT(*) FROM titanic_survivors WHERE survived <> 1 OR age IS NULL"), Is.Zero);
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(CliHarness.Full(j.GetProperty("manifest")))).RootElement.GetProperty("run");
        Assert.That(manifest.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(written));
        Assert.That(manifest.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        foreach (var step in new[] { "preprocess", "load", "archive", "finalize", "total" })
        {
            Assert.That(j.GetProperty("timings").TryGetProperty(step, out _), Is.True, step);
        }
    }

    [Test]
    public async Task Run_Twice_LoadsOnceAndLeavesTableUnchanged()
    {
        using var h = new CliHarness();
        var file = Path.Combine(RepoPaths.Samples, "titanic.csv");
        var first = await h.Run("", "run", file, "--dataset", "titanic", "--json", "--db", h.Db);
        const string checksum = "SELECT COUNT(*) || ':' || TOTAL(fare) || ':' || TOTAL(age) || ':' || GROUP_CONCAT(passenger_id) FROM (SELECT * FROM titanic_survivors ORDER BY passenger_id)";
        var before = Scalar<string>(h.Db, checksum);
        var second = await h.Run("", "run", file, "--dataset", "titanic", "--json", "--db", h.Db);
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);
        Assert.That(second.Json.GetProperty("runId").GetString(), Is.EqualTo(first.Json.GetProperty("runId").GetString()));
        Assert.That(second.Json.GetProperty("alreadyLoaded").GetBoolean(), Is.True);
        Assert.That(Scalar<string>(h.Db, checksum), Is.EqualTo(before));
        Assert.That(Scalar<long>(h.Db, "SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
        Assert.That(second.Json.GetProperty("archive")[0].GetString(), Is.EqualTo(first.Json.GetProperty("archive")[0].GetString()), "same Parquet key");
    }

    [Test]
    public async Task Run_OrdersSample_MatchesTheGeneratorsIndependentTruth()
    {
        using var h = new CliHarness();
        var truth = new OrdersGenerator(5000, 42).ComputeTruth();
        var r = await h.Run("", "run", Path.Combine(RepoPaths.Samples, "orders.csv"), "--json", "--db", h.Db);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        Assert.That(j.GetProperty("rowsRead").GetInt64(), Is.EqualTo(truth.Read));
        Assert.That(j.GetProperty("rowsRejected").GetInt64() + j.GetProperty("rowsFiltered").GetInt64(), Is.EqualTo(truth.InvalidOrFiltered));
        Assert.That(j.GetProperty("rowsDeduplicated").GetInt64(), Is.EqualTo(truth.SupersededDuplicates));
        Assert.That(j.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(truth.Written));
        Assert.That(Scalar<long>(h.Db, "SELECT COUNT(*) FROM orders"), Is.EqualTo(truth.Written));
        Assert.That(Scalar<long>(h.Db, "SELECT SUM(quantity) FROM orders"), Is.EqualTo(truth.SumQuantity));
        Assert.That(Scalar<long>(h.Db, "SELECT SUM(is_gift) FROM orders"), Is.EqualTo(truth.GiftTrue));
        Assert.That(Scalar<decimal>(h.Db, "SELECT SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM orders") / 100m, Is.EqualTo(truth.SumAmount));
    }

    [Test]
    public async Task Run_ContractsFolderMissing_ContractViolationAndNothingLoaded()
    {
        // Inference would otherwise take over: 897 rows into a table 'titanic' instead of the contract's survivors.
        using var h = new CliHarness();
        var missing = Path.Combine(h.Root, "no-such-contracts");
        var r = await h.Run("", "run", Path.Combine(RepoPaths.Samples, "titanic.csv"), "--dataset", "titanic", "--json", "--db", h.Db, "--contracts", missing);
        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("no-such-contracts").And.Contain("does not exist"));
        Assert.That(Directory.Exists(Path.Combine(h.Store, "archive", "titanic")), Is.False, "nothing archived");
        Assert.That(File.Exists(h.Db) && Scalar<long>(h.Db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'titanic%'") > 0, Is.False, "no table created");
    }

    [Test]
    public async Task Run_ContractPatternWithBackreference_ExitCode4AndNothingWritten()
    {
        using var h = new CliHarness();
        var contracts = Path.Combine(h.Root, "contracts");
        Directory.CreateDirectory(contracts);
        await File.WriteAllTextAsync(Path.Combine(contracts, "codes.yaml"), "dataset: codes\ncolumns:\n  - name: code\n    type: string\n    checks: {pattern: '^(a)\\1$'}\n");
        var file = Path.Combine(h.Root, "codes.csv");
        await File.WriteAllTextAsync(file, "code\naa\n");
        var r = await h.Run("", "run", file, "--dataset", "codes", "--json", "--db", h.Db, "--contracts", contracts);
        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("code.checks.pattern").And.Contain("backreference"));
        var written = Directory.Exists(h.Store)
            ? Directory.GetFiles(h.Store, "*", SearchOption.AllDirectories).Where(f => !f.Contains("_failed", StringComparison.Ordinal) && !f.Contains("landing", StringComparison.Ordinal)).ToList()
            : [];
        Assert.That(written, Is.Empty, "no processed, rejects, archive or manifest file");
        Assert.That(File.Exists(h.Db) && Scalar<long>(h.Db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'codes%'") > 0, Is.False, "no table created");
    }

    [Test]
    public async Task Run_HeaderBreaksContract_ExitCode4ErrorJsonAndQuarantine()
    {
        using var h = new CliHarness();
        var bad = Path.Combine(h.Root, "titanic.csv");
        await File.WriteAllTextAsync(bad, "PassengerId,Name\n1,x\n");
        var r = await h.Run("", "run", bad, "--json", "--db", h.Db);
        Assert.That(r.ExitCode, Is.EqualTo(4));
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("missing columns: survived (header 'Survived')"));
        var failed = Directory.GetFiles(Path.Combine(h.Store, "processed", "_failed"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.That(failed, Does.Contain("error.json"));
        Assert.That(failed, Does.Contain("titanic.csv"));
        Assert.That(File.Exists(Path.Combine(h.Store, "landing", "titanic", "titanic.csv")), Is.True, "the original is kept");
        var tags = await new EtlFunction.Storage.FolderObjectStore(h.Store).GetTagsAsync("landing", "titanic/titanic.csv");
        Assert.That(tags["etl-status"], Is.EqualTo("quarantined"));
        Assert.That(tags["etl-error"], Is.EqualTo("ContractViolation"));
    }

    [Test]
    public async Task Invoke_StepByStep_GivesTheSameResultAsRun()
    {
        using var h = new CliHarness();
        var sample = Path.Combine(RepoPaths.Samples, "titanic.csv");
        var landing = Path.Combine(h.Store, "landing", "titanic", "titanic.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(landing)!);
        File.Copy(sample, landing);
        var pre = await h.Run("""{"bucket":"landing","key":"titanic/titanic.csv"}""", "invoke", "preprocess", "--db", h.Db);
        Assert.That(pre.ExitCode, Is.Zero, pre.Stderr);
        var load = await h.Run(pre.Stdout, "invoke", "load", "--db", h.Db);
        var archive = await h.Run(pre.Stdout, "invoke", "archive", "--db", h.Db);
        Assert.That(load.ExitCode + archive.ExitCode, Is.Zero, load.Stderr + archive.Stderr);
        var fin = await h.Run($"[{load.Stdout},{archive.Stdout}]", "invoke", "finalize", "--db", h.Db);
        Assert.That(fin.ExitCode, Is.Zero, fin.Stderr);
        Assert.That(fin.Json.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(fin.Json.GetProperty("rowsWritten").GetInt64()));
        Assert.That(fin.Json.GetProperty("manifest").GetProperty("key").GetString(), Does.StartWith("_manifests/titanic/"));

        // The same file through `run` in a fresh store: the same run, counts, processed bytes and table.
        using var whole = new CliHarness();
        var run = await whole.Run("", "run", sample, "--json", "--db", whole.Db);
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        foreach (var field in new[] { "runId", "dataset", "table" })
        {
            Assert.That(run.Json.GetProperty(field).GetString(), Is.EqualTo(fin.Json.GetProperty(field).GetString()), field);
        }
        foreach (var field in new[] { "rowsRead", "rowsWritten", "rowsFiltered", "rowsRejected", "rowsDeduplicated", "rowsLoaded" })
        {
            Assert.That(run.Json.GetProperty(field).GetInt64(), Is.EqualTo(fin.Json.GetProperty(field).GetInt64()), field);
        }
        var stepProcessed = Path.Combine(h.Store, "processed", fin.Json.GetProperty("processed").GetProperty("key").GetString()!);
        Assert.That(File.ReadAllBytes(CliHarness.Full(run.Json.GetProperty("processed"))), Is.EqualTo(File.ReadAllBytes(stepProcessed)));
        const string Sum = "SELECT count(*) || ':' || total(fare) || ':' || count(age) FROM titanic_survivors";
        Assert.That(Scalar<string>(whole.Db, Sum), Is.EqualTo(Scalar<string>(h.Db, Sum)));
    }

    [Test]
    public async Task Run_WithoutContract_InfersOneAndStoresItWithTheOutputs()
    {
        using var h = new CliHarness();
        var file = Path.Combine(h.Root, "zips.csv");
        await File.WriteAllTextAsync(file, "zip,city,population,founded\n00501,Holtsville,1.5,1901-02-03\n10001,New York,8336.8,1624-01-01\n10001,New York,8336.8,1624-01-01\n");
        var r = await h.Run("", "run", file, "--json", "--db", h.Db);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("contractInferred").GetBoolean(), Is.True);
        Assert.That(r.Json.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(3), "no key inferred: nothing deduplicated");
        var contract = EtlFunction.Contracts.ContractLoader.LoadFile(CliHarness.Full(r.Json.GetProperty("contract")));
        Assert.That(contract.Columns.Select(c => c.Type.ToString()), Is.EqualTo(new[] { "string", "string", "decimal(5,1)", "date" }));
        Assert.That(Scalar<string>(h.Db, "SELECT zip FROM zips ORDER BY zip LIMIT 1"), Is.EqualTo("00501"), "leading zeros survive");
    }

    [Test]
    public async Task Generate_ThenRun_CountsMatchTruth()
    {
        using var h = new CliHarness();
        var file = Path.Combine(h.Root, "orders.csv");
        var g = await h.Run("", "generate", "orders", "--rows", "3000", "--seed", "7", "--out", file);
        Assert.That(g.ExitCode, Is.Zero, g.Stderr);
        var truth = new OrdersGenerator(3000, 7).ComputeTruth();
        var r = await h.Run("", "run", file, "--json", "--db", h.Db);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(truth.Written));
    }

    [Test]
    public async Task Invoke_EventWithFormEncodedKey_FindsTheObject()
    {
        using var h = new CliHarness();
        var landing = Path.Combine(h.Store, "landing", "titanic", "my file (1).csv");
        Directory.CreateDirectory(Path.GetDirectoryName(landing)!);
        File.Copy(Path.Combine(RepoPaths.Samples, "titanic.csv"), landing);
        const string evt = """{"detail":{"bucket":{"name":"landing"},"object":{"key":"titanic/my+file+%281%29.csv"}}}""";
        var pre = await h.Run(evt, "invoke", "preprocess", "--db", h.Db);
        Assert.That(pre.ExitCode, Is.Zero, pre.Stdout + pre.Stderr);
        Assert.That(pre.Json.GetProperty("source").GetProperty("key").GetString(), Is.EqualTo("titanic/my file (1).csv"));
        Assert.That(pre.Json.GetProperty("rowsRead").GetInt64(), Is.EqualTo(900));
    }

    [Test]
    public async Task Invoke_BadEvent_PrintsTypedErrorAndExits3()
    {
        using var h = new CliHarness();
        var r = await h.Run("not json", "invoke", "load", "--db", h.Db);
        Assert.That(r.ExitCode, Is.EqualTo(3));
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"));
    }

    [Test]
    public async Task Cli_UnknownOption_IsAUsageError()
    {
        using var h = new CliHarness();
        var r = await h.Run("", "run", "x.csv", "--jsn");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("unknown option(s): --jsn"));
    }
}
