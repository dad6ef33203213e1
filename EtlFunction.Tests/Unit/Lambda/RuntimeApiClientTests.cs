using EtlFunction.Errors;
using EtlFunction.Lambda;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>The Runtime API client on its own: headers in, paths and bodies out.</summary>
public class RuntimeApiClientTests
{
    [Test]
    public async Task Next_ReadsRequestIdPayloadAndContextHeaders()
    {
        using var api = new FakeRuntimeApi();
        using var client = new RuntimeApiClient(api.Address);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeMilliseconds());
        var id = api.Enqueue("""{"bucket":"b","key":"k"}""", new()
        {
            ["Lambda-Runtime-Deadline-Ms"] = HostHarness.EpochMs(deadline),
            ["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:etl-preprocess",
            ["Lambda-Runtime-Trace-Id"] = "Root=1-abc;Parent=def;Sampled=0",
            ["Lambda-Runtime-Client-Context"] = "garbage {",
        });

        var inv = await client.NextAsync(CancellationToken.None);

        Assert.That(inv.RequestId, Is.EqualTo(id));
        Assert.That(inv.Payload, Is.EqualTo("""{"bucket":"b","key":"k"}"""));
        Assert.That(inv.Deadline, Is.EqualTo(deadline));
        Assert.That(inv.FunctionArn, Does.EndWith("function:etl-preprocess"));
        Assert.That(inv.TraceId, Is.EqualTo("Root=1-abc;Parent=def;Sampled=0"));
    }

    [Test]
    public async Task Next_WithoutOptionalHeaders_HasNoDeadlineArnOrTrace()
    {
        using var api = new FakeRuntimeApi();
        using var client = new RuntimeApiClient(api.Address);
        api.Enqueue("{}");

        var inv = await client.NextAsync(CancellationToken.None);

        Assert.That(inv.Deadline, Is.Null);
        Assert.That(inv.RawDeadline, Is.Null);
        Assert.That(inv.FunctionArn, Is.Null);
        Assert.That(inv.TraceId, Is.Null);
    }

    [Test]
    public async Task Next_LongPoll_WaitsLongerThanAnyDefaultTimeout_UntilCancelled()
    {
        using var api = new FakeRuntimeApi();
        using var client = new RuntimeApiClient(api.Address);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var next = client.NextAsync(cts.Token);
        await Task.Delay(100);
        Assert.That(next.IsCompleted, Is.False, "next blocks while no event is queued");
        Assert.That(async () => await next, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task PostResponseAndError_UseThePathsHeaderAndBodyOfTheApi()
    {
        using var api = new FakeRuntimeApi();
        using var client = new RuntimeApiClient(api.Address + "/");

        await client.PostResponseAsync("req-1", """{"ok":true}""", CancellationToken.None);
        await client.PostErrorAsync("req 2", ErrorReport.From(new EtlException(ErrorType.ContractViolation, "missing column age")), CancellationToken.None);
        await client.PostInitErrorAsync(new ErrorReport(ErrorReport.HandlerNotFound, "no", []), CancellationToken.None);

        var response = await api.NextPostAsync();
        Assert.That(response.Path, Is.EqualTo("/2018-06-01/runtime/invocation/req-1/response"));
        Assert.That(response.Body, Is.EqualTo("""{"ok":true}"""));
        var error = await api.NextPostAsync();
        Assert.That(error.Path, Is.EqualTo("/2018-06-01/runtime/invocation/req%202/error"), "the request id is escaped in the URL");
        Assert.That(error.ErrorTypeHeader, Is.EqualTo("ContractViolation"));
        Assert.That(error.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(error.Json.GetProperty("errorMessage").GetString(), Is.EqualTo("missing column age"));
        var init = await api.NextPostAsync();
        Assert.That(init.IsInitError);
        Assert.That(init.Json.GetProperty("stackTrace").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void Constructor_BaseAddressIsTheVersionedApi()
    {
        using var client = new RuntimeApiClient("127.0.0.1:9001");
        Assert.That(client.BaseAddress.ToString(), Is.EqualTo("http://127.0.0.1:9001/2018-06-01/"));
    }
}
