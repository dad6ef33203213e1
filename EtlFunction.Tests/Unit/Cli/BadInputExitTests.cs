using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// Bad events and files too wide for any table end with a typed error (exit 3 or 4), never InternalError (exit 10),
/// and leave the store and the database as they were.
/// </summary>
public class BadInputExitTests
{
    private static long Count(string db, string sql)
    {
        if (!File.Exists(db)) return 0;
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static long Tables(string db) => Count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name <> '_etl_ledger'");

    private static long LedgerRows(string db) =>
        Count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = '_etl_ledger'") == 0 ? 0 : Count(db, "SELECT COUNT(*) FROM _etl_ledger");

    /// <summary>Every file under the store except the landing bucket (where the test put its input).</summary>
    private static List<string> Written(CliHarness h) =>
        Directory.Exists(h.Store)
            ? Directory.GetFiles(h.Store, "*", SearchOption.AllDirectories)
                .Where(f => !f.StartsWith(Path.Combine(h.Store, "landing"), StringComparison.Ordinal) && f != h.Db).ToList()
            : [];

    private static void AssertTyped(CliHarness.Result r, int exit, string type)
    {
        Assert.That(r.ExitCode, Is.EqualTo(exit), r.Stdout + r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo(type));
    }

    [TestCase("../../x.csv")]
    [TestCase("/etc/passwd")]
    [TestCase("%2e%2e/%2e%2e/x.csv")]
    [TestCase("titanic/../../../x.csv")]
    [TestCase("titanic/..%2F..%2Fx.csv")]
    public async Task InvokePreprocess_KeyEscapesBucket_InvalidInputAndNothingWritten(string key)
    {
        using var h = new CliHarness();
        Directory.CreateDirectory(Path.Combine(h.Store, "landing"));
        await File.WriteAllTextAsync(Path.Combine(h.Root, "x.csv"), "a\n1\n");
        var evt = """{"detail":{"bucket":{"name":"landing"},"object":{"key":""" + JsonSerializer.Serialize(key) + "}}}";
        var r = await h.Run(evt, "invoke", "preprocess", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("escapes the bucket"));
        Assert.That(Written(h), Is.Empty, "no processed, rejects or contract object");
        Assert.That(Tables(h.Db), Is.Zero, "no table");
        Assert.That(LedgerRows(h.Db), Is.Zero, "no ledger row");
    }

    [TestCase("""{"bucket":"","key":"titanic/x.csv"}""", "bucket is empty")]
    [TestCase("""{"bucket":"landing","key":""}""", "key is empty")]
    [TestCase("""{"bucket":"..","key":"x.csv"}""", "not a single path segment")]
    [TestCase("""{"bucket":"landing","key":"titanic/x.csv","dataset":"../x"}""", "dataset '../x'")]
    [TestCase("""{"bucket":1,"key":"x.csv"}""", "must be a string")]
    [TestCase("""{"detail":{"bucket":{"name":["landing"]},"object":{"key":"x.csv"}}}""", "must be a string")]
    [TestCase("""[1, 2]""", "preprocess expects")]
    [TestCase("""null""", "not a run state")]
    public async Task InvokePreprocess_MalformedEvent_InvalidInputAndNothingWritten(string evt, string message)
    {
        using var h = new CliHarness();
        var r = await h.Run(evt, "invoke", "preprocess", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain(message));
        Assert.That(Written(h), Is.Empty);
        Assert.That(Tables(h.Db), Is.Zero);
    }

    [TestCase("""{"source":{"bucket":"landing","key":"../../x.csv"},"error":{"Error":"X"}}""", "escapes the bucket")]
    [TestCase("""{"source":{"bucket":"landing","key":"x.csv"},"error":{"Error":7}}""", "must be a string")]
    public async Task InvokeQuarantine_BadEvent_InvalidInputAndNothingCopied(string evt, string message)
    {
        using var h = new CliHarness();
        var r = await h.Run(evt, "invoke", "quarantine", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain(message));
        Assert.That(Written(h), Is.Empty);
    }

    [TestCase(-5, 10, 0)]
    [TestCase(10, 5, 0)]
    [TestCase(0, 10, -1)]
    public async Task InvokePiece_NegativeOrInvertedRange_InvalidInput(long start, long end, int index)
    {
        using var h = new CliHarness();
        var evt = $$$"""
            {"run":{"runId":"r","dataset":"titanic","source":{"bucket":"landing","key":"titanic/x.csv","eTag":"e"},
             "contract":{"bucket":"processed","key":"c.yaml"},"contractFingerprint":"f","archiveDt":"2024-01-01","headerLength":5},
             "piece":{"index":{{{index}}},"start":{{{start}}},"end":{{{end}}},"firstLine":2}}
            """;
        var r = await h.Run(evt, "invoke", "piece", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("not a valid byte range"));
        Assert.That(Written(h), Is.Empty);
    }

    [TestCase("../x")]
    [TestCase("2024-13-01")]
    public async Task InvokeArchive_BadArchiveDt_InvalidInputAndNothingArchived(string dt)
    {
        using var h = new CliHarness();
        var evt = $$"""{"runId":"r","dataset":"titanic","source":{"bucket":"landing","key":"titanic/x.csv"},"archiveDt":"{{dt}}"}""";
        var r = await h.Run(evt, "invoke", "archive", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("archiveDt"));
        Assert.That(Written(h), Is.Empty);
    }

    [Test]
    public async Task InvokeLoad_StateNamesMissingContract_InvalidInputAndNoTable()
    {
        using var h = new CliHarness();
        const string evt = """
            {"runId":"r","dataset":"titanic","source":{"bucket":"landing","key":"titanic/x.csv"},
             "contract":{"bucket":"processed","key":"titanic/r/nope.yaml"},"processed":{"bucket":"processed","key":"titanic/r/part-00000.csv"}}
            """;
        var r = await h.Run(evt, "invoke", "load", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("contract").And.Contain("does not exist"));
        Assert.That(Tables(h.Db), Is.Zero);
        Assert.That(LedgerRows(h.Db), Is.Zero);
    }

    [TestCase("parts", "is not a part list")]
    [TestCase("missing", "processed output")]
    public async Task InvokeLoad_StateNamesWrongObject_InvalidInputAndNoTable(string which, string message)
    {
        using var h = new CliHarness();
        var processed = Path.Combine(h.Store, "processed", "titanic", "r");
        Directory.CreateDirectory(processed);
        File.Copy(Path.Combine(RepoPaths.Contracts, "titanic.yaml"), Path.Combine(processed, "contract.yaml"));
        await File.WriteAllTextAsync(Path.Combine(processed, "not-json.csv"), "a,b\n1,2\n");
        var target = which == "parts"
            ? "\"parts\":{\"bucket\":\"processed\",\"key\":\"titanic/r/not-json.csv\"}"
            : "\"processed\":{\"bucket\":\"processed\",\"key\":\"titanic/r/gone.csv\"}";
        var evt = "{\"runId\":\"r\",\"dataset\":\"titanic\",\"source\":{\"bucket\":\"landing\",\"key\":\"titanic/x.csv\"},"
            + "\"contract\":{\"bucket\":\"processed\",\"key\":\"titanic/r/contract.yaml\"}," + target + "}";
        var r = await h.Run(evt, "invoke", "load", "--db", h.Db);
        AssertTyped(r, 3, "InvalidInput");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain(message));
        Assert.That(Tables(h.Db), Is.Zero, "no table");
        Assert.That(LedgerRows(h.Db), Is.Zero, "no ledger row");
    }

    private static async Task<string> WideCsv(string folder, int columns)
    {
        var file = Path.Combine(folder, "wide.csv");
        var sb = new StringBuilder();
        sb.AppendJoin(',', Enumerable.Range(0, columns).Select(i => "c" + i)).Append('\n');
        for (var row = 0; row < 3; row++) sb.AppendJoin(',', Enumerable.Range(0, columns).Select(i => (i + row).ToString(CultureInfo.InvariantCulture))).Append('\n');
        await File.WriteAllTextAsync(file, sb.ToString());
        return file;
    }

    [Test]
    public async Task Run_FiveThousandColumnsInferred_ContractViolationAndNothingLoaded()
    {
        using var h = new CliHarness();
        var file = await WideCsv(h.Root, 5000);
        var r = await h.Run("", "run", file, "--dataset", "wide", "--json", "--db", h.Db);
        AssertTyped(r, 4, "ContractViolation");
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain("inferred contract").And.Contain("5000 columns").And.Contain("2000"));
        Assert.That(Written(h).Where(f => !f.Contains("_failed", StringComparison.Ordinal)), Is.Empty, "only the quarantine copy");
        Assert.That(Tables(h.Db), Is.Zero, "no table");
        Assert.That(LedgerRows(h.Db), Is.Zero, "no ledger row");
    }

    [Test]
    public async Task Infer_FiveThousandColumns_WarnsThatTheContractCannotLoad()
    {
        using var h = new CliHarness();
        var file = await WideCsv(h.Root, 5000);
        var output = Path.Combine(h.Root, "wide.yaml");
        var stderr = new StringWriter();
        var code = await EtlFunction.Cli.CliApp.RunAsync(["infer", file, "--out", output], new StringReader(""), new StringWriter(), stderr);
        Assert.That(code, Is.Zero, stderr.ToString());
        Assert.That(stderr.ToString(), Does.Contain("warning: 5000 columns").And.Contain("ContractViolation"));
        Assert.That(File.Exists(output), Is.True, "the contract is still written, for a person to cut down");
    }
}
