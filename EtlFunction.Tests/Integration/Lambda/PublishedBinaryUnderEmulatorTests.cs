using System.Globalization;
using System.Text.Json;
using EtlFunction.Parquet;
using EtlFunction.Steps;
using EtlFunction.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>
/// The deployed code path: the published, self-contained ReadyToRun binary started as <c>bootstrap</c> by
/// a real Runtime API (@vercel/fun), one function instance per handler, checked on the data it wrote.
/// </summary>
[NonParallelizable]
public class PublishedBinaryUnderEmulatorTests
{
    private const string TitanicEvent = """{"bucket":"landing","key":"titanic/titanic.csv"}""";
    private string _root = "";
    private string Store => Path.Combine(_root, "store");

    private Dictionary<string, string> Env => new()
    {
        ["ETL_STORE"] = Store,
        ["ETL_CONTRACTS"] = RepoPaths.Contracts,
    };

    [SetUp]
    public void CreateStore()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-fun-" + Guid.NewGuid().ToString("N"));
        var landing = Path.Combine(Store, "landing", "titanic");
        Directory.CreateDirectory(landing);
        File.Copy(Path.Combine(RepoPaths.Samples, "titanic.csv"), Path.Combine(landing, "titanic.csv"));
    }

    [TearDown]
    public void DeleteStore() => Directory.Delete(_root, recursive: true);

    private string PathOf(JsonElement objectRef) => Path.Combine(Store, objectRef.GetProperty("bucket").GetString()!, objectRef.GetProperty("key").GetString()!);

    [Test]
    public async Task Preprocess_ColdThenWarm_WritesTheProcessedFileItReports()
    {
        var run = await LambdaEmulator.InvokeAsync("preprocess", Env, TitanicEvent, TitanicEvent);

        Assert.That(run.Results, Has.Count.EqualTo(2));
        Assert.That(run.Results.Select(r => r.FunctionError), Is.All.Null, run.Results[0].Payload);
        var cold = run.Results[0].Json;
        Assert.That(cold.GetProperty("dataset").GetString(), Is.EqualTo("titanic"));
        Assert.That(cold.GetProperty("rowsRead").GetInt64(), Is.EqualTo(900));
        var written = cold.GetProperty("rowsWritten").GetInt64();
        Assert.That(cold.GetProperty("rowsRead").GetInt64(), Is.EqualTo(written + cold.GetProperty("rowsFiltered").GetInt64()
            + cold.GetProperty("rowsRejected").GetInt64() + cold.GetProperty("rowsDeduplicated").GetInt64()));
        Assert.That(CsvFiles.CountRecords(PathOf(cold.GetProperty("processed"))), Is.EqualTo(written));
        Assert.That(CsvFiles.CountRecords(PathOf(cold.GetProperty("rejects"))), Is.EqualTo(cold.GetProperty("rowsRejected").GetInt64()));
        var warm = run.Results[1].Json;
        Assert.That(warm.GetProperty("runId").GetString(), Is.EqualTo(cold.GetProperty("runId").GetString()), "same object, same run");
        Assert.That(warm.GetProperty("processed").GetProperty("eTag").GetString(), Is.EqualTo(cold.GetProperty("processed").GetProperty("eTag").GetString()), "a re-run rewrites identical bytes");

        var lines = run.FunctionStdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(lines.Count(l => l.TryGetProperty("_aws", out _)), Is.EqualTo(2), "one EMF line per invocation");
        Assert.That(lines.Where(l => l.TryGetProperty("message", out var m) && m.GetString() == "invocation started")
            .All(l => l.GetProperty("deadlineHeader").GetString() == "5000"), "the emulator's constant deadline is tolerated");
        TestContext.Out.WriteLine($"cold start (process start to first response): {run.Results[0].Ms:F1} ms; warm invoke: {run.Results[1].Ms:F1} ms");
    }

    [Test]
    public async Task BadEvent_IsInvalidInput_AndTheInstanceKeepsServing()
    {
        var run = await LambdaEmulator.InvokeAsync("preprocess", Env, """{"hello":"world"}""", TitanicEvent);

        Assert.That(run.Results[0].FunctionError, Is.EqualTo("Handled"));
        Assert.That(run.Results[0].Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"));
        Assert.That(run.Results[0].Json.GetProperty("errorMessage").GetString(), Does.Contain("preprocess expects"));
        Assert.That(run.Results[1].FunctionError, Is.Null, run.Results[1].Payload);
        Assert.That(run.Results[1].Json.GetProperty("rowsRead").GetInt64(), Is.EqualTo(900));
    }

    [Test]
    public async Task UnknownHandler_IsAnInitError()
    {
        var run = await LambdaEmulator.InvokeAsync("transform", Env, TitanicEvent);

        Assert.That(run.Results.Single().FunctionError, Is.EqualTo("Unhandled"));
        Assert.That(run.Results.Single().Json.GetProperty("errorType").GetString(), Is.EqualTo("Runtime.HandlerNotFound"));
        Assert.That(Directory.Exists(Path.Combine(Store, "processed")), Is.False);
    }

    [Test]
    public async Task WholeRun_EachStepItsOwnFunction_TableParquetAndManifestAgree()
    {
        var pre = await Single("preprocess", TitanicEvent);
        var load = await Single("load", pre.GetRawText());
        var archive = await Single("archive", pre.GetRawText());
        var final = await Single("finalize", $"[{load.GetRawText()},{archive.GetRawText()}]"); // what the Parallel state passes on

        var written = pre.GetProperty("rowsWritten").GetInt64();
        Assert.That(load.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        using (var db = new SqliteConnection($"Data Source={Path.Combine(Store, "etl.db")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM titanic_survivors";
            Assert.That(Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture), Is.EqualTo(written), "SQLite (native e_sqlite3) in the published binary");
        }
        var parquet = archive.GetProperty("archive").EnumerateArray().Select(PathOf).ToList();
        Assert.That(parquet.Sum(p => ParquetReadBack.ReadFile(p).RowCount), Is.EqualTo(written), "Parquet (native ParquetSharp) in the published binary");
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(PathOf(final.GetProperty("manifest")))).RootElement.GetProperty("run");
        Assert.That(manifest.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        Assert.That(manifest.GetProperty("archive").GetArrayLength(), Is.EqualTo(parquet.Count));
        Assert.That(final.GetProperty("timings").EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "preprocess", "load", "archive", "finalize" }));
    }

    private async Task<JsonElement> Single(string handler, string evt)
    {
        var result = (await LambdaEmulator.InvokeAsync(handler, Env, evt)).Results.Single();
        Assert.That(result.FunctionError, Is.Null, $"{handler}: {result.Payload}");
        return result.Json;
    }

    [Test]
    public async Task PublishFolder_HoldsTheNativeLibraries()
    {
        var dir = await LambdaEmulator.PublishDirAsync();
        Assert.That(File.Exists(Path.Combine(dir, "ParquetSharpNative.so")), "ParquetSharp native library");
        Assert.That(File.Exists(Path.Combine(dir, "libe_sqlite3.so")), "SQLite native library");
        if (LambdaEmulator.Aot)
        {
            // Native AOT: the runtime and the app are compiled into the one executable; no IL, no JIT.
            Assert.That(File.Exists(Path.Combine(dir, "EtlFunction.dll")), Is.False, "Native AOT: no IL assembly");
            Assert.That(File.Exists(Path.Combine(dir, "libcoreclr.so")), Is.False, "Native AOT: no CoreCLR");
        }
        else
        {
            Assert.That(File.Exists(Path.Combine(dir, "libcoreclr.so")), "self-contained: the runtime is in the folder");
        }
        Assert.That(File.Exists(Path.Combine(dir, "bootstrap")));
    }
}
