using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Contracts;
using EtlFunction.Parquet;
using EtlFunction.Steps;
using EtlFunction.Storage;
using EtlFunction.Tests.Integration.Pipeline;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>
/// Each of the eight handlers as Lambda runs it — one function instance under a real Runtime API (@vercel/fun),
/// <c>_HANDLER</c> from the handler name — on a real event against the S3 emulator and MariaDB, configured as the
/// template configures the functions (bucket variables, a MySQL connection string). A handler's input is what the
/// state machine would hand it: the earlier handlers' answers, produced by the same function form. Each test checks
/// the data the handler left (objects read back, table rows, Parquet, manifest, quarantined copies).
/// PublishedBinaryHandlerTests runs them on the published binary, Image/HandlersInImageTests in the container image.
/// </summary>
public abstract class HandlerTestsBase
{
    private const string TitanicKey = "titanic/titanic.csv";
    private const string OrdersKey = "orders/orders.csv";
    private readonly FunctionForm _form;
    private PipelineServices _s = null!;

    protected HandlerTestsBase(FunctionForm form) => _form = form;

    [SetUp]
    public async Task StartServices()
    {
        await _form.DirAsync(); // no function (image, emulator): the test ends here, before any bucket is made
        _s = await PipelineServices.StartAsync("fn");
    }

    [TearDown]
    public async Task StopServices()
    {
        if (_s is not null) await _s.DisposeAsync();
    }

    private Dictionary<string, string> Variables => _form.Variables(new Dictionary<string, string>
    {
        ["ETL_LANDING_BUCKET"] = _s.Landing.Name,
        ["ETL_PROCESSED_BUCKET"] = _s.Processed.Name,
        ["ETL_ARCHIVE_BUCKET"] = _s.Archive.Name,
        ["ETL_MYSQL"] = _s.Db.ConnectionString,
        ["AWS_ENDPOINT_URL_S3"] = TestServices.S3Endpoint,
        ["ETL_S3_COMPAT"] = "plain",
    });

    private async Task<EmulatorRun> InvokeAsync(string handler, params string[] events) =>
        await LambdaEmulator.InvokeAsync(await _form.DirAsync(), handler, Variables, events);

    /// <summary>Every answer of one instance, each a success.</summary>
    private async Task<(List<JsonElement> Answers, string Log)> SucceedAsync(string handler, params string[] events)
    {
        var run = await InvokeAsync(handler, events);
        Assert.That(run.Results, Has.Count.EqualTo(events.Length), $"{handler}: {string.Join("\n", run.Results.Select(r => r.Payload))}");
        foreach (var r in run.Results) Assert.That(r.FunctionError, Is.Null, $"{handler} #{r.Index}: {r.Payload}");
        return ([.. run.Results.Select(r => r.Json.Clone())], run.FunctionStdout);
    }

    private async Task<JsonElement> SucceedOnceAsync(string handler, string evt) => (await SucceedAsync(handler, evt)).Answers.Single();

    private Task<ObjectInfo> UploadAsync(string key, string localPath) => _s.Store.PutFileAsync(_s.Landing.Name, key, localPath);

    private string ObjectCreated(string key, ObjectInfo info) => _s.ObjectCreated(key, info).ToJsonString();

    private string PlanSplitEvent(string key) =>
        new JsonObject { ["bucket"] = _s.Landing.Name, ["key"] = key, ["splitThreshold"] = 0, ["chunkSize"] = 65536 }.ToJsonString();

    private Task<byte[]> GetAsync(JsonElement objectRef) =>
        _s.GetBytesAsync(objectRef.GetProperty("bucket").GetString()!, objectRef.GetProperty("key").GetString()!);

    private Task<byte[]> GetProcessedAsync(string key) => _s.GetBytesAsync(_s.Processed.Name, key);

    /// <summary>The values of the first column of a processed CSV (the key column of both sample contracts).</summary>
    private static List<long> FirstColumn(byte[] csv) =>
        [.. CsvRecords.Read(csv).Select(r => long.Parse(r.Fields[0], CultureInfo.InvariantCulture))];

    private static string Fingerprint(string dataset) => ContractLoader.LoadFile(Path.Combine(RepoPaths.Contracts, dataset + ".yaml")).Fingerprint;

    /// <summary>The function used its own contracts folder: the checkout's for the binary, /var/task/contracts in the image.</summary>
    private void AssertContractFrom(string log, string dataset) =>
        Assert.That(log, Does.Contain($"contract {_form.ContractsFolder()}/{dataset}.yaml ({Fingerprint(dataset)})"), "the contract the function loaded (its log)");

    [Test]
    public async Task Plan_ObjectAboveTheSplitThreshold_PiecesCoverItOnRecordBoundaries()
    {
        var source = Path.Combine(RepoPaths.Samples, "orders.csv");
        var bytes = await File.ReadAllBytesAsync(source);
        await UploadAsync(OrdersKey, source);
        var below = new JsonObject { ["bucket"] = _s.Landing.Name, ["key"] = OrdersKey }.ToJsonString();

        var (answers, log) = await SucceedAsync("plan", PlanSplitEvent(OrdersKey), below);

        var plan = answers[0];
        Assert.That(plan.GetProperty("split").GetBoolean(), Is.True);
        var run = plan.GetProperty("run");
        var pieces = plan.GetProperty("pieces").EnumerateArray().ToList();
        Assert.That(pieces, Has.Count.GreaterThanOrEqualTo(8), "576 KB in 64 KiB pieces");
        Assert.That(run.GetProperty("pieceCount").GetInt32(), Is.EqualTo(pieces.Count));
        var header = run.GetProperty("headerLength").GetInt64();
        Assert.That(Encoding.UTF8.GetString(bytes, 0, (int)header), Does.StartWith("order_id,").And.EndWith("\n"), "the header bytes");
        var next = header;
        for (var i = 0; i < pieces.Count; i++)
        {
            var (start, end) = (pieces[i].GetProperty("start").GetInt64(), pieces[i].GetProperty("end").GetInt64());
            Assert.That(pieces[i].GetProperty("index").GetInt32(), Is.EqualTo(i));
            Assert.That(start, Is.EqualTo(next), $"piece {i} starts where piece {i - 1} ended");
            Assert.That(bytes[start - 1], Is.EqualTo((byte)'\n'), $"piece {i} starts on a record start");
            Assert.That(end, Is.GreaterThan(start));
            next = end;
        }
        Assert.That(next, Is.EqualTo(bytes.Length), "the pieces cover the object");

        Assert.That(run.GetProperty("contractInferred").GetBoolean(), Is.False);
        Assert.That(run.GetProperty("contractFingerprint").GetString(), Is.EqualTo(Fingerprint("orders")));
        var stored = ContractLoader.Parse(Encoding.UTF8.GetString(await GetAsync(run.GetProperty("contract"))), "stored");
        Assert.That(stored.Fingerprint, Is.EqualTo(Fingerprint("orders")), "the run's contract copy in the processed bucket");
        AssertContractFrom(log, "orders");

        Assert.That(answers[1].GetProperty("split").GetBoolean(), Is.False, "below the default threshold: the single path (warm instance)");
        Assert.That(answers[1].GetProperty("pieces").GetArrayLength(), Is.Zero);
        Assert.That(answers[1].GetProperty("length").GetInt64(), Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task Preprocess_ObjectCreatedEvent_WritesTheProcessedAndRejectedRowsItCounts()
    {
        var info = await UploadAsync(TitanicKey, Path.Combine(RepoPaths.Samples, "titanic.csv"));

        var (answers, log) = await SucceedAsync("preprocess", ObjectCreated(TitanicKey, info));

        var state = answers.Single();
        Assert.That(state.GetProperty("dataset").GetString(), Is.EqualTo("titanic"));
        Assert.That(state.GetProperty("runId").GetString(), Is.EqualTo(RunIds.For(_s.Landing.Name, TitanicKey, info.VersionId ?? info.ETag)));
        var (read, written, rejected) = (state.GetProperty("rowsRead").GetInt64(), state.GetProperty("rowsWritten").GetInt64(), state.GetProperty("rowsRejected").GetInt64());
        Assert.That(read, Is.EqualTo(900));
        Assert.That(read, Is.EqualTo(written + state.GetProperty("rowsFiltered").GetInt64() + rejected + state.GetProperty("rowsDeduplicated").GetInt64()));
        Assert.That(written, Is.Positive);
        Assert.That(rejected, Is.Positive, "the sample has rows without a usable Age");

        var processed = state.GetProperty("processed");
        Assert.That(processed.GetProperty("bucket").GetString(), Is.EqualTo(_s.Processed.Name));
        var ids = FirstColumn(await GetAsync(processed));
        Assert.That(ids, Has.Count.EqualTo(written), "processed rows");
        Assert.That(ids, Is.Unique, "deduplicated on passenger_id");
        Assert.That(CsvRecords.Read(await GetAsync(state.GetProperty("rejects"))), Has.Count.EqualTo(rejected), "rejected rows");
        Assert.That(state.GetProperty("contractInferred").GetBoolean(), Is.False);
        Assert.That(state.GetProperty("contractFingerprint").GetString(), Is.EqualTo(Fingerprint("titanic")));
        AssertContractFrom(log, "titanic");
    }

    [Test]
    public async Task Piece_EveryRangeOfThePlan_WritesItsPartRejectsAndKeyLog()
    {
        var source = Path.Combine(RepoPaths.Samples, "orders.csv");
        await UploadAsync(OrdersKey, source);
        var plan = await SucceedOnceAsync("plan", PlanSplitEvent(OrdersKey));
        var run = plan.GetProperty("run");
        var items = plan.GetProperty("pieces").EnumerateArray()
            .Select(p => new JsonObject { ["run"] = JsonNode.Parse(run.GetRawText()), ["piece"] = JsonNode.Parse(p.GetRawText()) }.ToJsonString())
            .ToArray();

        var (answers, _) = await SucceedAsync("piece", items); // one instance: the first piece cold, the others warm

        var (dataset, runId) = (run.GetProperty("dataset").GetString()!, run.GetProperty("runId").GetString()!);
        long read = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            Assert.That(a.GetProperty("index").GetInt32(), Is.EqualTo(i));
            read += a.GetProperty("rowsRead").GetInt64();
            var part = CsvRecords.Read(await GetProcessedAsync(Buckets.PartKey(dataset, runId, i)));
            Assert.That(part, Has.Count.EqualTo(a.GetProperty("rowsWritten").GetInt64()), $"part {i} rows");
            var rejects = CsvRecords.Read(await GetProcessedAsync(Buckets.PieceKey(dataset, runId, i, "rejects.csv")));
            Assert.That(rejects, Has.Count.EqualTo(a.GetProperty("rowsRejected").GetInt64()), $"part {i} rejects");
            var counts = JsonDocument.Parse(await GetProcessedAsync(Buckets.PieceKey(dataset, runId, i, "json"))).RootElement;
            Assert.That(counts.GetProperty("rowsRead").GetInt64(), Is.EqualTo(a.GetProperty("rowsRead").GetInt64()), $"part {i} stored counts");
            Assert.That(await GetProcessedAsync(Buckets.PieceKey(dataset, runId, i, "keys")), Is.Not.Empty, $"part {i} key log (keep_last on order_id)");
        }
        var records = CsvRecords.Read(await File.ReadAllBytesAsync(source), allowShortRows: true);
        Assert.That(read, Is.EqualTo(records.Count), "the pieces read every record of the object once");
    }

    [Test]
    public async Task Merge_AfterEveryPiece_SameCountsAndRejectsAsPreprocessOfTheSameBytes()
    {
        var source = Path.Combine(RepoPaths.Samples, "orders.csv");
        await UploadAsync("orders/split.csv", source);
        await UploadAsync("orders/single.csv", source);
        var plan = await SucceedOnceAsync("plan", PlanSplitEvent("orders/split.csv"));
        var run = plan.GetProperty("run");
        var items = plan.GetProperty("pieces").EnumerateArray()
            .Select(p => new JsonObject { ["run"] = JsonNode.Parse(run.GetRawText()), ["piece"] = JsonNode.Parse(p.GetRawText()) }.ToJsonString())
            .ToArray();
        await SucceedAsync("piece", items);

        var merged = await SucceedOnceAsync("merge", new JsonObject { ["run"] = JsonNode.Parse(run.GetRawText()) }.ToJsonString());
        var single = await SucceedOnceAsync("preprocess", new JsonObject { ["bucket"] = _s.Landing.Name, ["key"] = "orders/single.csv" }.ToJsonString());

        foreach (var field in new[] { "rowsRead", "rowsWritten", "rowsFiltered", "rowsRejected", "rowsDeduplicated", "blankLines" })
        {
            Assert.That(merged.GetProperty(field).GetInt64(), Is.EqualTo(single.GetProperty(field).GetInt64()), field);
        }
        Assert.That(single.GetProperty("rowsDeduplicated").GetInt64(), Is.Positive, "the sample repeats order ids");
        Assert.That(merged.GetProperty("partCount").GetInt32(), Is.EqualTo(items.Length));
        Assert.That(await GetAsync(merged.GetProperty("rejects")), Is.EqualTo(await GetAsync(single.GetProperty("rejects"))), "the rejects file, byte for byte");

        var parts = JsonDocument.Parse(await GetAsync(merged.GetProperty("parts"))).RootElement.GetProperty("parts").EnumerateArray().ToList();
        Assert.That(parts, Has.Count.EqualTo(items.Length));
        long kept = 0;
        foreach (var p in parts)
        {
            var rows = CsvRecords.Read(await GetAsync(p.GetProperty("processed"))).Count;
            Assert.That(p.GetProperty("rows").GetInt64(), Is.EqualTo(rows), "a part's row count");
            kept += rows - p.GetProperty("dropped").GetInt64();
        }
        Assert.That(kept, Is.EqualTo(single.GetProperty("rowsWritten").GetInt64()), "parts less the merge's drops = the single pass's rows");
    }

    [Test]
    public async Task Load_PreprocessedRun_TableHoldsTheProcessedRowsOnce()
    {
        var info = await UploadAsync(TitanicKey, Path.Combine(RepoPaths.Samples, "titanic.csv"));
        var pre = await SucceedOnceAsync("preprocess", ObjectCreated(TitanicKey, info));
        var written = pre.GetProperty("rowsWritten").GetInt64();

        var (answers, _) = await SucceedAsync("load", pre.GetRawText(), pre.GetRawText()); // the second: a retry after a lost response

        Assert.That(answers[0].GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        Assert.That(answers[0].GetProperty("alreadyLoaded").GetBoolean(), Is.False);
        Assert.That(answers[1].GetProperty("alreadyLoaded").GetBoolean(), Is.True, "the ledger holds the run");
        Assert.That(_s.Db.Count("SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written), "MySQL rows, once");
        Assert.That(_s.Db.Count("SELECT COUNT(*) FROM `_etl_ledger`"), Is.EqualTo(1));
        Assert.That(_s.Db.Count("SELECT rows_loaded FROM `_etl_ledger`"), Is.EqualTo(written));
        var table = _s.Db.Query("SELECT passenger_id FROM titanic_survivors ORDER BY passenger_id").Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture));
        Assert.That(table, Is.EqualTo(FirstColumn(await GetAsync(pre.GetProperty("processed"))).Order()), "the table's keys are the processed file's");
        Assert.That(_s.Db.Count("SELECT COUNT(*) FROM titanic_survivors WHERE age IS NULL OR survived <> 1"), Is.Zero, "the contract's rules held");
    }

    [Test]
    public async Task Archive_PreprocessedRun_ParquetHoldsTheProcessedRows()
    {
        var info = await UploadAsync(TitanicKey, Path.Combine(RepoPaths.Samples, "titanic.csv"));
        var pre = await SucceedOnceAsync("preprocess", ObjectCreated(TitanicKey, info));

        var archived = await SucceedOnceAsync("archive", pre.GetRawText());

        var ids = new List<long>();
        var files = archived.GetProperty("archive").EnumerateArray().ToList();
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            Assert.That(file.GetProperty("bucket").GetString(), Is.EqualTo(_s.Archive.Name));
            Assert.That(file.GetProperty("key").GetString(), Does.StartWith($"titanic/dt={pre.GetProperty("archiveDt").GetString()}/"));
            var back = ParquetReadBack.Read(await GetAsync(file));
            Assert.That(back.RowCount, Is.EqualTo(file.GetProperty("rows").GetInt64()), "the row count it reports");
            Assert.That(back.Columns.Select(c => c.Name), Is.EqualTo(ContractLoader.LoadFile(Path.Combine(RepoPaths.Contracts, "titanic.yaml")).Columns.Select(c => c.Name)));
            ids.AddRange(back.Values("passenger_id").Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)));
        }
        Assert.That(ids, Is.EqualTo(FirstColumn(await GetAsync(pre.GetProperty("processed")))), "Parquet holds the processed rows, in order");
    }

    [Test]
    public async Task Finalize_LoadAndArchiveBranches_ManifestAgreesWithTableAndParquet()
    {
        var info = await UploadAsync(TitanicKey, Path.Combine(RepoPaths.Samples, "titanic.csv"));
        var pre = await SucceedOnceAsync("preprocess", ObjectCreated(TitanicKey, info));
        var load = await SucceedOnceAsync("load", pre.GetRawText());
        var archive = await SucceedOnceAsync("archive", pre.GetRawText());

        var final = await SucceedOnceAsync("finalize", $"[{load.GetRawText()},{archive.GetRawText()}]"); // what the Parallel state passes on

        var written = pre.GetProperty("rowsWritten").GetInt64();
        var manifestRef = final.GetProperty("manifest");
        Assert.That(manifestRef.GetProperty("bucket").GetString(), Is.EqualTo(_s.Archive.Name));
        Assert.That(manifestRef.GetProperty("key").GetString(), Is.EqualTo(Buckets.ManifestKey("titanic", pre.GetProperty("runId").GetString()!)));
        var manifest = JsonDocument.Parse(await GetAsync(manifestRef)).RootElement.GetProperty("run");
        Assert.That(manifest.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(written));
        Assert.That(manifest.GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
        Assert.That(manifest.GetProperty("rowsArchived").GetInt64(), Is.EqualTo(written));
        Assert.That(manifest.GetProperty("contractFingerprint").GetString(), Is.EqualTo(Fingerprint("titanic")));
        Assert.That(manifest.GetProperty("timings").EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "preprocess", "load", "archive", "finalize" }));
        Assert.That(_s.Db.Count("SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written), "the table the manifest counts");
        long parquetRows = 0;
        foreach (var file in manifest.GetProperty("archive").EnumerateArray()) parquetRows += ParquetReadBack.Read(await GetAsync(file)).RowCount;
        Assert.That(parquetRows, Is.EqualTo(written), "the Parquet files the manifest lists");
    }

    [Test]
    public async Task Quarantine_CaughtContractViolation_CopiesTheSourceAndWritesTheError()
    {
        var source = Path.Combine(_s.Work, "titanic.csv");
        await File.WriteAllTextAsync(source, """
            PassengerId,Survived,Pclass,Name,Sex,SibSp,Parch,Ticket,Fare,Cabin,Embarked
            1,0,3,"Braund, Mr. Owen Harris",male,1,0,A/5 21171,7.25,,S

            """, new UTF8Encoding(false));
        var info = await UploadAsync(TitanicKey, source);
        var evt = ObjectCreated(TitanicKey, info);
        var failed = (await InvokeAsync("preprocess", evt)).Results.Single();
        Assert.That(failed.FunctionError, Is.EqualTo("Handled"), failed.Payload);
        // What the state machine sends after the Catch: the execution's state with the error (cause = the error payload).
        var input = JsonNode.Parse(evt)!.AsObject();
        input["error"] = new JsonObject { ["Error"] = failed.Json.GetProperty("errorType").GetString(), ["Cause"] = failed.Payload };
        input["failedState"] = "Preprocess";
        var quarantineEvent = new JsonObject { ["input"] = input, ["executionName"] = "exec-quarantine-1" }.ToJsonString();

        var errorRef = await SucceedOnceAsync("quarantine", quarantineEvent);

        var prefix = Buckets.FailedPrefix(RunIds.For(_s.Landing.Name, TitanicKey, info.VersionId ?? info.ETag));
        Assert.That(errorRef.GetProperty("key").GetString(), Is.EqualTo(prefix + "error.json"));
        var listed = new List<string>();
        await foreach (var o in _s.Store.ListAsync(_s.Processed.Name, "_failed/")) listed.Add(o.Key);
        Assert.That(listed, Is.EquivalentTo(new[] { prefix + "titanic.csv", prefix + "error.json" }));
        Assert.That(await GetProcessedAsync(prefix + "titanic.csv"), Is.EqualTo(await File.ReadAllBytesAsync(source)), "the quarantined copy");
        var error = JsonDocument.Parse(await GetProcessedAsync(prefix + "error.json")).RootElement;
        Assert.That(error.GetProperty("error").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(error.GetProperty("failedState").GetString(), Is.EqualTo("Preprocess"));
        Assert.That(error.GetProperty("executionName").GetString(), Is.EqualTo("exec-quarantine-1"));
        Assert.That(error.GetProperty("cause").GetString(), Does.Contain("missing columns: age"));
        Assert.That(await _s.GetBytesAsync(_s.Landing.Name, TitanicKey), Is.EqualTo(await File.ReadAllBytesAsync(source)), "the landing object is left in place");
    }

    [Test]
    public async Task UnknownHandler_AnyEvent_IsAnInitErrorAndWritesNothing()
    {
        var info = await UploadAsync(TitanicKey, Path.Combine(RepoPaths.Samples, "titanic.csv"));

        var run = await InvokeAsync("transform", ObjectCreated(TitanicKey, info));

        Assert.That(run.Results.Single().FunctionError, Is.EqualTo("Unhandled"));
        Assert.That(run.Results.Single().Json.GetProperty("errorType").GetString(), Is.EqualTo("Runtime.HandlerNotFound"));
        var written = new List<string>();
        await foreach (var o in _s.Store.ListAsync(_s.Processed.Name, "")) written.Add(o.Key);
        Assert.That(written, Is.Empty);
    }
}
