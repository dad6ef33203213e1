using System.Text;
using System.Text.Json;
using EtlFunction.Parquet;
using EtlFunction.Steps;
using EtlFunction.Tests.Integration.Lambda;

namespace EtlFunction.Tests.Integration.StateMachine;

/// <summary>
/// statemachine/etl.asl.json as deployed, run by aws-local-stepfunctions with every Task invoking the published
/// binary under a real Runtime API (handlers named by the template's ImageConfig.Command), against the S3 emulator
/// and MariaDB. Each test checks the data the run left behind: table rows and ledger, Parquet read back,
/// manifest, quarantined copies — so a wrong Choice, ResultPath, Catch or Retry in the definition fails here.
/// The tests are in <see cref="StateMachineRunTestsBase"/>; Image/StateMachineInImageTests runs them with every
/// Task in the container image: same events, same assertions.
/// </summary>
[NonParallelizable]
public sealed class StateMachineRunTests() : StateMachineRunTestsBase(FunctionForm.PublishedBinary);

/// <summary>The state machine tests, with every Task run by one <see cref="FunctionForm"/>.</summary>
public abstract class StateMachineRunTestsBase
{
    private const string TitanicHeader = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";
    private readonly FunctionForm _form;
    private string _work = "";

    protected StateMachineRunTestsBase(FunctionForm form) => _form = form;

    [SetUp]
    public void CreateWork() => Directory.CreateDirectory(_work = Path.Combine(Path.GetTempPath(), "etl-sfn-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Test]
    public async Task CleanFile_Succeeds_TableParquetAndManifestAgree()
    {
        await using var h = await StateMachineHarness.StartAsync("sfn-ok", _form);
        var info = await h.UploadAsync("titanic/titanic.csv", Path.Combine(RepoPaths.Samples, "titanic.csv"));

        var run = await h.RunAsync(h.ObjectCreated("titanic/titanic.csv", info));

        Assert.That(run.Status, Is.EqualTo("SUCCEEDED"), run.ToString());
        Assert.That(run.States, Is.EquivalentTo(new[] { "Plan", "SingleOrSplit", "Preprocess", "AnythingToLoad", "LoadAndArchive", "Load", "Archive", "Finalize", "Done" }));
        Assert.That(run.States.Skip(run.States.Count - 2), Is.EqualTo(new[] { "Finalize", "Done" }));
        foreach (var (state, handler) in new[] { ("Plan", "plan"), ("CleanPiece", "piece"), ("Merge", "merge"), ("ArchivePart", "archive"), ("Preprocess", "preprocess"), ("Load", "load"), ("Archive", "archive"), ("Finalize", "finalize"), ("Quarantine", "quarantine") })
        {
            Assert.That(run.Json.GetProperty("functions").GetProperty(state).GetProperty("handler").GetString(), Is.EqualTo(handler), $"_HANDLER of {state} from template.yaml");
        }

        // Done outputs the finalize state: it names the manifest, which names everything else.
        var manifestRef = run.Output.GetProperty("manifest");
        var manifest = JsonDocument.Parse(await h.GetTextAsync(manifestRef.GetProperty("bucket").GetString()!, manifestRef.GetProperty("key").GetString()!)).RootElement.GetProperty("run");
        var written = manifest.GetProperty("rowsWritten").GetInt64();
        Assert.That(written, Is.GreaterThan(0));
        Assert.That(manifest.GetProperty("runId").GetString(), Is.EqualTo(run.Output.GetProperty("runId").GetString()));
        Assert.That(manifest.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));

        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written), "MySQL rows");
        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM `_etl_ledger`"), Is.EqualTo(1));
        Assert.That(h.Services.Db.Count("SELECT rows_loaded FROM `_etl_ledger`"), Is.EqualTo(written));

        long parquetRows = 0;
        foreach (var part in manifest.GetProperty("archive").EnumerateArray())
        {
            Assert.That(part.GetProperty("bucket").GetString(), Is.EqualTo(h.Services.Archive.Name));
            var bytes = await h.Services.GetBytesAsync(h.Services.Archive.Name, part.GetProperty("key").GetString()!);
            parquetRows += ParquetReadBack.Read(bytes).RowCount;
        }
        Assert.That(parquetRows, Is.EqualTo(written), "Parquet rows read back from the archive bucket");
    }

    [Test]
    public async Task ContractViolation_IsQuarantined_ThenFails()
    {
        await using var h = await StateMachineHarness.StartAsync("sfn-bad", _form);
        // The titanic contract requires Age; this file has every other column.
        var source = WriteFile("titanic.csv", """
            PassengerId,Survived,Pclass,Name,Sex,SibSp,Parch,Ticket,Fare,Cabin,Embarked
            1,0,3,"Braund, Mr. Owen Harris",male,1,0,A/5 21171,7.25,,S
            2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,1,0,PC 17599,71.2833,C85,C

            """);
        const string key = "titanic/titanic.csv";
        var info = await h.UploadAsync(key, source);

        var run = await h.RunAsync(h.ObjectCreated(key, info));

        Assert.That(run.Status, Is.EqualTo("FAILED"), run.ToString());
        Assert.That(run.States, Is.EqualTo(new[] { "Plan", "SingleOrSplit", "Preprocess", "PreprocessFailed", "Quarantine", "Failed" }));
        Assert.That(run.Error, Is.EqualTo("ContractViolation"), "the Fail state's ErrorPath");
        Assert.That(run.Cause, Does.Contain("missing columns: age"), "the Fail state's CausePath");
        Assert.That(run.RetriedStates, Is.Empty, "a contract violation is not retried");

        var runId = RunIds.For(h.Services.Landing.Name, key, info.VersionId ?? info.ETag);
        var prefix = Buckets.FailedPrefix(runId);
        var failed = new List<string>();
        await foreach (var o in h.Services.Store.ListAsync(h.Services.Processed.Name, "_failed/")) failed.Add(o.Key);
        Assert.That(failed, Is.EquivalentTo(new[] { prefix + "titanic.csv", prefix + "error.json" }));
        Assert.That(await h.Services.GetBytesAsync(h.Services.Processed.Name, prefix + "titanic.csv"), Is.EqualTo(await File.ReadAllBytesAsync(source)), "the quarantined copy");
        var error = JsonDocument.Parse(await h.GetTextAsync(h.Services.Processed.Name, prefix + "error.json")).RootElement;
        Assert.That(error.GetProperty("error").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(error.GetProperty("failedState").GetString(), Is.EqualTo("Preprocess"));
        Assert.That(error.GetProperty("executionName").GetString(), Is.EqualTo(run.Json.GetProperty("executionName").GetString()));
        Assert.That(error.GetProperty("cause").GetString(), Does.Contain("missing columns: age"));

        Assert.That(await h.Services.GetBytesAsync(h.Services.Landing.Name, key), Is.EqualTo(await File.ReadAllBytesAsync(source)), "the landing object is left in place");
        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"), Is.Zero, "nothing reached MySQL");
    }

    [TestCase("before", Description = "the invoke fails before the function runs")]
    [TestCase("after", Description = "the function commits, then its response is lost: the retry must find the ledger")]
    public async Task TransientErrorOnLoad_IsRetried_WithoutDuplicateRows(string when)
    {
        await using var h = await StateMachineHarness.StartAsync("sfn-retry", _form);
        var info = await h.UploadAsync("titanic/titanic.csv", Path.Combine(RepoPaths.Samples, "titanic.csv"));

        var run = await h.RunAsync(h.ObjectCreated("titanic/titanic.csv", info), "--transient-once", "Load:" + when);

        Assert.That(run.Status, Is.EqualTo("SUCCEEDED"), run.ToString());
        Assert.That(run.RetriedStates, Is.EqualTo(new[] { "Load" }));
        Assert.That(run.Invocations("Load"), Is.EqualTo(2));
        Assert.That(run.States, Does.Not.Contain("Quarantine"));
        var written = run.Output.GetProperty("rowsWritten").GetInt64();
        Assert.That(written, Is.GreaterThan(0));
        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written), "no duplicate rows");
        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM `_etl_ledger`"), Is.EqualTo(1), "one ledger row");
        Assert.That(h.Services.Db.Count("SELECT rows_loaded FROM `_etl_ledger`"), Is.EqualTo(written));
        Assert.That(run.Output.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        Assert.That(run.Output.GetProperty("alreadyLoaded").GetBoolean(), Is.EqualTo(when == "after"), "the retry after a committed load finds the ledger row");
    }

    [Test]
    public async Task HeaderOnlyFile_GoesStraightToFinalize()
    {
        await using var h = await StateMachineHarness.StartAsync("sfn-empty", _form);
        var info = await h.UploadAsync("titanic/empty.csv", WriteFile("empty.csv", TitanicHeader + "\n"));

        var run = await h.RunAsync(h.ObjectCreated("titanic/empty.csv", info));

        Assert.That(run.Status, Is.EqualTo("SUCCEEDED"), run.ToString());
        Assert.That(run.States, Is.EqualTo(new[] { "Plan", "SingleOrSplit", "Preprocess", "AnythingToLoad", "NothingToLoad", "Finalize", "Done" }));
        Assert.That(run.Invocations("Load") + run.Invocations("Archive"), Is.Zero);
        Assert.That(run.Output.GetProperty("rowsWritten").GetInt64(), Is.Zero);
        var manifestRef = run.Output.GetProperty("manifest");
        var manifest = JsonDocument.Parse(await h.GetTextAsync(manifestRef.GetProperty("bucket").GetString()!, manifestRef.GetProperty("key").GetString()!)).RootElement.GetProperty("run");
        Assert.That(manifest.GetProperty("rowsWritten").GetInt64(), Is.Zero);
        var archived = new List<string>();
        await foreach (var o in h.Services.Store.ListAsync(h.Services.Archive.Name, "titanic/")) archived.Add(o.Key);
        Assert.That(archived, Is.Empty, "no Parquet for an empty file");
        Assert.That(h.Services.Db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"), Is.Zero, "Load never ran");
    }

    /// <summary>
    /// The orders sample (576 KB, repeated order ids far apart, rejects) with the split threshold at 0 and 64 KiB
    /// pieces: Plan → the Distributed Map of CleanPiece → Merge → LoadParts ∥ the map of ArchivePart → Finalize,
    /// against the single path on the same object. aws-local-stepfunctions runs the Map's items in process and
    /// takes them inline from ItemsPath (it has no ItemReader), which is also how the definition feeds them.
    /// </summary>
    [Test]
    public async Task LargeObject_TakesTheDistributedMap_SameTableCountsRejectsAndParquetAsTheSinglePath()
    {
        const string key = "orders/orders.csv";
        var sample = Path.Combine(RepoPaths.Samples, "orders.csv");
        await using var single = await StateMachineHarness.StartAsync("sfn-single", _form);
        var a = await single.RunAsync(single.ObjectCreated(key, await single.UploadAsync(key, sample)));
        await using var split = await StateMachineHarness.StartAsync("sfn-split", _form);
        var b = await split.RunAsync(split.ObjectCreated(key, await split.UploadAsync(key, sample)),
            "--env", "ETL_SPLIT_THRESHOLD_BYTES=0", "--env", "ETL_PIECE_BYTES=65536", "--env", "ETL_MAP_MAX_CONCURRENCY=3");

        Assert.That(a.Status, Is.EqualTo("SUCCEEDED"), a.ToString());
        Assert.That(b.Status, Is.EqualTo("SUCCEEDED"), b.ToString());
        Assert.That(a.States, Does.Contain("Preprocess").And.Not.Contain("CleanPieces"));
        Assert.That(b.States, Does.Contain("CleanPieces").And.Contain("Merge").And.Contain("LoadAndArchiveParts").And.Contain("LoadParts").And.Not.Contain("Preprocess"));
        var pieces = b.Invocations("CleanPiece");
        Assert.That(pieces, Is.GreaterThanOrEqualTo(8), "576 KB in 64 KiB pieces");
        Assert.That(b.Invocations("ArchivePart"), Is.EqualTo(pieces), "one archive item per part");

        var (x, y) = (a.Output, b.Output);
        foreach (var field in new[] { "rowsRead", "rowsWritten", "rowsFiltered", "rowsRejected", "rowsDeduplicated", "rowsLoaded", "rowsArchived", "blankLines" })
        {
            Assert.That(y.GetProperty(field).GetInt64(), Is.EqualTo(x.GetProperty(field).GetInt64()), field);
        }
        Assert.That(x.GetProperty("rowsDeduplicated").GetInt64(), Is.Positive, "the sample repeats order ids");
        Assert.That(y.GetProperty("partCount").GetInt32(), Is.EqualTo(pieces));

        const string dump = "SELECT order_id, customer_id, customer_email, country, CAST(amount AS CHAR), currency, CAST(order_date AS CHAR), CAST(created_at AS CHAR), status, is_gift FROM orders ORDER BY order_id";
        var tableA = single.Services.Db.Query(dump).Select(r => string.Join("|", r)).ToList();
        var tableB = split.Services.Db.Query(dump).Select(r => string.Join("|", r)).ToList();
        Assert.That(tableB, Has.Count.EqualTo(x.GetProperty("rowsWritten").GetInt64()));
        Assert.That(tableB, Is.EqualTo(tableA), "table content");
        Assert.That(split.Services.Db.Count("SELECT COUNT(*) FROM `_etl_ledger`"), Is.EqualTo(1), "one transaction, one ledger row");

        Assert.That(await split.GetTextAsync(split.Services.Processed.Name, y.GetProperty("rejects").GetProperty("key").GetString()!),
            Is.EqualTo(await single.GetTextAsync(single.Services.Processed.Name, x.GetProperty("rejects").GetProperty("key").GetString()!)), "rejects file");

        var manifestRef = y.GetProperty("manifest");
        var manifest = JsonDocument.Parse(await split.GetTextAsync(manifestRef.GetProperty("bucket").GetString()!, manifestRef.GetProperty("key").GetString()!)).RootElement.GetProperty("run");
        var ids = new List<long>();
        foreach (var file in manifest.GetProperty("archive").EnumerateArray())
        {
            var back = ParquetReadBack.Read(await split.Services.GetBytesAsync(split.Services.Archive.Name, file.GetProperty("key").GetString()!));
            ids.AddRange(back.Values("order_id").Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));
        }
        Assert.That(ids, Has.Count.EqualTo(x.GetProperty("rowsWritten").GetInt64()), "Parquet rows");
        Assert.That(ids.Order(), Is.EqualTo(tableA.Select(r => long.Parse(r.Split('|')[0], System.Globalization.CultureInfo.InvariantCulture))), "Parquet holds the table's keys");
    }
}
