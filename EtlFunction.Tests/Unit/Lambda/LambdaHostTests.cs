using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Lambda;
using EtlFunction.Steps;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>The host loop against an in-test Runtime API: what it posts, when it cancels, what it logs.</summary>
public class LambdaHostTests
{
    [Test]
    public async Task Preprocess_Success_PostsTheStepJsonAsResponse()
    {
        using var h = new HostHarness();
        var id = h.Api.Enqueue(HostHarness.TitanicEvent);

        var posted = (await h.RunAsync("preprocess", 1)).Single();

        Assert.That(posted.Path, Is.EqualTo($"/2018-06-01/runtime/invocation/{id}/response"));
        Assert.That(posted.ErrorTypeHeader, Is.Null);
        Assert.That(posted.ContentType, Does.StartWith("application/json"));
        var state = JsonSerializer.Deserialize(posted.Body, Json.Context.RunState)!;
        Assert.That(state.Dataset, Is.EqualTo("titanic"));
        Assert.That(state.RowsRead, Is.EqualTo(900));
        Assert.That(state.RowsRead, Is.EqualTo(state.RowsWritten + state.RowsFiltered + state.RowsRejected + state.RowsDeduplicated));
        var processed = Path.Combine(h.Store, state.Processed!.Bucket, state.Processed.Key);
        Assert.That(CsvFiles.CountRecords(processed), Is.EqualTo(state.RowsWritten), "the processed file holds exactly the rows the response reports");
        Assert.That(new FileInfo(processed).Length, Is.EqualTo(state.Processed.Size));
    }

    [Test]
    public async Task BadEvent_EtlException_PostsErrorBodyAndHeaderWithItsType()
    {
        using var h = new HostHarness();
        var id = h.Api.Enqueue("""{"nope":1}""");

        var posted = (await h.RunAsync("preprocess", 1)).Single();

        Assert.That(posted.Path, Is.EqualTo($"/2018-06-01/runtime/invocation/{id}/error"));
        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("InvalidInput"));
        var body = posted.Json;
        Assert.That(body.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"));
        Assert.That(body.GetProperty("errorMessage").GetString(), Does.Contain("preprocess expects"));
        Assert.That(body.GetProperty("stackTrace").ValueKind, Is.EqualTo(JsonValueKind.Array));
    }

    [Test]
    public async Task UnexpectedException_IsInternalErrorWithStackTrace()
    {
        using var h = new HostHarness();
        h.Api.Enqueue(HostHarness.TitanicEvent);

        var posted = (await h.RunAsync("load", 1, () => throw new InvalidOperationException("boom"))).Single();

        Assert.That(posted.IsError);
        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("InternalError"));
        Assert.That(posted.Json.GetProperty("errorType").GetString(), Is.EqualTo("InternalError"));
        Assert.That(posted.Json.GetProperty("errorMessage").GetString(), Is.EqualTo("InvalidOperationException: boom"));
        Assert.That(posted.Json.GetProperty("stackTrace").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task ErrorThenSuccess_LoopKeepsServing()
    {
        using var h = new HostHarness();
        var bad = h.Api.Enqueue("not json at all");
        var good = h.Api.Enqueue(HostHarness.TitanicEvent);

        var posted = await h.RunAsync("preprocess", 2);

        Assert.That(posted[0].Path, Does.Contain(bad).And.EndsWith("/error"));
        Assert.That(posted[0].Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"));
        Assert.That(posted[1].Path, Does.Contain(good).And.EndsWith("/response"));
        Assert.That(posted[1].Json.GetProperty("rowsRead").GetInt64(), Is.EqualTo(900));
    }

    [Test]
    public async Task TraceId_ExportedPerInvocation_MissingOneClearsIt()
    {
        using var h = new HostHarness();
        h.Api.Enqueue("{}", new() { ["Lambda-Runtime-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1" });
        h.Api.Enqueue("{}");
        var seen = new List<string?>();

        var posted = await h.RunAsync("preprocess", 2, () =>
        {
            seen.Add(Environment.GetEnvironmentVariable(LambdaHost.TraceVariable));
            return h.LocalContext();
        });

        Assert.That(seen, Is.EqualTo(new[] { "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", null }));
        Assert.That(posted.All(p => p.IsError), "both events are invalid for preprocess; the trace header changes nothing else");
    }

    [Test]
    public async Task EmulatorDeadline5000_IsNoDeadline_StepRunsToTheEnd()
    {
        using var h = new HostHarness();
        h.Api.Enqueue(HostHarness.TitanicEvent, new()
        {
            ["Lambda-Runtime-Deadline-Ms"] = "5000",
            ["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-west-1:977805900156:function:nate-dump",
            ["Lambda-Runtime-Client-Context"] = "{not json",
            ["Lambda-Runtime-Cognito-Identity"] = "???",
        });

        var posted = (await h.RunAsync("preprocess", 1)).Single();

        Assert.That(posted.IsResponse, posted.Body);
        var started = h.LogLines().Single(l => l.TryGetProperty("message", out var m) && m.GetString() == "invocation started");
        Assert.That(started.GetProperty("deadlineHeader").GetString(), Is.EqualTo("5000"));
        Assert.That(started.TryGetProperty("cancelAt", out _), Is.False, "no cancellation is scheduled");
        Assert.That(started.GetProperty("functionArn").GetString(), Does.EndWith(":function:nate-dump"));
    }

    [Test]
    public async Task EpochDeadlineInThePast_TransientErrorWithoutRunningTheStep()
    {
        using var h = new HostHarness();
        h.Api.Enqueue(HostHarness.TitanicEvent, new() { ["Lambda-Runtime-Deadline-Ms"] = HostHarness.EpochMs(DateTimeOffset.UtcNow.AddSeconds(-1)) });

        var posted = (await h.RunAsync("preprocess", 1)).Single();

        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("TransientError"));
        Assert.That(posted.Json.GetProperty("errorMessage").GetString(), Is.EqualTo("deadline reached before the step finished; safe to retry"));
        Assert.That(h.ContextsBuilt, Is.Zero, "the step did not start");
        Assert.That(Directory.Exists(Path.Combine(h.Store, "processed")), Is.False, "nothing was written");
    }

    [Test]
    public async Task EpochDeadlineSoon_StepStillRunning_CancelledBeforeTheDeadline_TransientError()
    {
        using var h = new HostHarness();
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(1500);
        h.Api.Enqueue(HostHarness.TitanicEvent, new() { ["Lambda-Runtime-Deadline-Ms"] = HostHarness.EpochMs(deadline) });
        var stalling = h.LocalContext();
        var context = new StepContext { Store = new StallingStore(), Buckets = stalling.Buckets, Contracts = stalling.Contracts };
        var sw = Stopwatch.StartNew();

        var posted = (await h.RunAsync("preprocess", 1, () => context)).Single();

        Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "posted before the deadline (10% margin)");
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(1000)), "not cancelled long before the margin");
        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("TransientError"));
        Assert.That(posted.Json.GetProperty("errorMessage").GetString(), Does.StartWith("deadline reached before the step finished; safe to retry"));
    }

    [Test]
    public async Task Logs_AreOneJsonObjectPerLine_WithRequestIdAndCounts()
    {
        using var h = new HostHarness();
        var id = h.Api.Enqueue(HostHarness.TitanicEvent);

        await h.RunAsync("preprocess", 1);

        var lines = h.LogLines();
        Assert.That(lines, Has.Count.GreaterThanOrEqualTo(3));
        var logs = lines.Where(l => !l.TryGetProperty("_aws", out _)).ToList();
        Assert.That(logs.All(l => l.GetProperty("level").GetString() is "info" or "warn" or "error"));
        Assert.That(logs.All(l => l.GetProperty("requestId").GetString() == id));
        Assert.That(logs.All(l => l.GetProperty("step").GetString() == "preprocess"));
        var done = logs.Single(l => l.GetProperty("message").GetString() == "step succeeded");
        Assert.That(done.GetProperty("dataset").GetString(), Is.EqualTo("titanic"));
        Assert.That(done.GetProperty("runId").GetString(), Has.Length.EqualTo(16));
        Assert.That(done.GetProperty("counts").GetProperty("rowsRead").GetInt64(), Is.EqualTo(900));
    }

    [Test]
    public async Task Success_WritesOneEmbeddedMetricLine()
    {
        using var h = new HostHarness();
        var id = h.Api.Enqueue(HostHarness.TitanicEvent);

        var state = (await h.RunAsync("preprocess", 1)).Single().Json;

        var emf = h.LogLines().Single(l => l.TryGetProperty("_aws", out _));
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray().Single();
        Assert.That(directive.GetProperty("Namespace").GetString(), Is.EqualTo("EtlFunction"));
        Assert.That(directive.GetProperty("Dimensions").GetRawText(), Is.EqualTo("""[["Step","Dataset"]]"""));
        Assert.That(emf.GetProperty("Step").GetString(), Is.EqualTo("preprocess"));
        Assert.That(emf.GetProperty("Dataset").GetString(), Is.EqualTo("titanic"));
        Assert.That(emf.GetProperty("RowsRead").GetInt64(), Is.EqualTo(state.GetProperty("rowsRead").GetInt64()));
        Assert.That(emf.GetProperty("RowsRejected").GetInt64(), Is.EqualTo(state.GetProperty("rowsRejected").GetInt64()));
        Assert.That(emf.GetProperty("BytesRead").GetInt64(), Is.EqualTo(state.GetProperty("source").GetProperty("size").GetInt64()));
        Assert.That(emf.GetProperty("requestId").GetString(), Is.EqualTo(id));
        foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
        {
            var name = metric.GetProperty("Name").GetString()!;
            Assert.That(emf.GetProperty(name).ValueKind, Is.EqualTo(JsonValueKind.Number), name);
            Assert.That(metric.GetProperty("Unit").GetString(), Is.AnyOf("Count", "Bytes", "Milliseconds"));
        }
    }
}
