using System.Net;
using EtlFunction.Lambda;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>Lambda mode from the environment: handler resolution, init errors, the end of the loop.</summary>
public class LambdaModeTests
{
    private static Func<string, string?> Env(Dictionary<string, string> vars) => name => vars.GetValueOrDefault(name);

    [Test]
    public async Task UnknownHandler_PostsInitError_ExitsNonZero_NeverAsksForAnEvent()
    {
        using var h = new HostHarness();
        var env = Env(new() { ["AWS_LAMBDA_RUNTIME_API"] = h.Api.Address, ["_HANDLER"] = "transform" });

        var code = await LambdaMode.RunAsync([], env, h.Stdout, CancellationToken.None);

        Assert.That(code, Is.EqualTo(LambdaMode.UnknownHandlerExit));
        var posted = await h.Api.NextPostAsync();
        Assert.That(posted.Path, Is.EqualTo("/2018-06-01/runtime/init/error"));
        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("Runtime.HandlerNotFound"));
        Assert.That(posted.Json.GetProperty("errorType").GetString(), Is.EqualTo("Runtime.HandlerNotFound"));
        Assert.That(posted.Json.GetProperty("errorMessage").GetString(), Does.Contain("'transform'").And.Contain("plan, preprocess, piece, merge, load, archive, finalize, quarantine"));
        Assert.That(h.Api.NextRequests, Is.Zero);
        Assert.That(h.LogLines().Single().GetProperty("level").GetString(), Is.EqualTo("error"));
    }

    [Test]
    public async Task NoHandlerAnywhere_IsAnInitErrorToo()
    {
        using var h = new HostHarness();
        var code = await LambdaMode.RunAsync([], Env(new() { ["AWS_LAMBDA_RUNTIME_API"] = h.Api.Address }), h.Stdout, CancellationToken.None);
        Assert.That(code, Is.EqualTo(LambdaMode.UnknownHandlerExit));
        Assert.That((await h.Api.NextPostAsync()).IsInitError);
    }

    [Test]
    public async Task HandlerFromFirstArgument_LocalStoreFromEnvironment_ServesUntilStopped()
    {
        using var h = new HostHarness();
        var env = Env(new()
        {
            ["AWS_LAMBDA_RUNTIME_API"] = h.Api.Address,
            ["ETL_STORE"] = h.Store,
            ["ETL_CONTRACTS"] = RepoPaths.Contracts,
        });
        h.Api.Enqueue(HostHarness.TitanicEvent);
        using var stop = new CancellationTokenSource();

        var run = LambdaMode.RunAsync(["Preprocess"], env, h.Stdout, stop.Token);
        var posted = await h.Api.NextPostAsync();
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(posted.IsResponse, posted.Body);
        Assert.That(posted.Json.GetProperty("contractInferred").GetBoolean(), Is.False, "the contract came from ETL_CONTRACTS");
        Assert.That(File.Exists(Path.Combine(h.Store, "processed", posted.Json.GetProperty("processed").GetProperty("key").GetString()!)));
        Assert.That(code, Is.Zero);
    }

    [Test]
    public async Task HandlerVariableWinsOverArgument()
    {
        using var h = new HostHarness();
        var env = Env(new() { ["AWS_LAMBDA_RUNTIME_API"] = h.Api.Address, ["_HANDLER"] = "nope", ["ETL_STORE"] = h.Store });
        var code = await LambdaMode.RunAsync(["preprocess"], env, h.Stdout, CancellationToken.None);
        Assert.That(code, Is.EqualTo(LambdaMode.UnknownHandlerExit));
    }

    [Test]
    public async Task RuntimeApiFailsOnNext_ExitsWithRuntimeApiFailure()
    {
        using var h = new HostHarness();
        h.Api.FailNextWith = HttpStatusCode.InternalServerError;
        var env = Env(new() { ["AWS_LAMBDA_RUNTIME_API"] = h.Api.Address, ["_HANDLER"] = "archive", ["ETL_STORE"] = h.Store });

        var code = await LambdaMode.RunAsync([], env, h.Stdout, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(code, Is.EqualTo(LambdaMode.RuntimeApiFailedExit));
        Assert.That(h.LogLines().Last().GetProperty("message").GetString(), Is.EqualTo("the Runtime API failed; exiting"));
    }

    [Test]
    public void ResolveHandler_StepNamesOnly()
    {
        Assert.That(LambdaMode.ResolveHandler("load"), Is.EqualTo("load"));
        Assert.That(LambdaMode.ResolveHandler(" Finalize "), Is.EqualTo("finalize"));
        Assert.That(LambdaMode.ResolveHandler("bootstrap"), Is.Null);
        Assert.That(LambdaMode.ResolveHandler(null), Is.Null);
        Assert.That(LambdaMode.IsActive(_ => null), Is.False);
        Assert.That(LambdaMode.IsActive(_ => "127.0.0.1:9001"), Is.True);
    }
}
