using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Tests.Unit;

namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>One invocation as the emulator returned it: status, FunctionError (Handled/Unhandled), payload, wall time.</summary>
internal sealed record EmulatorResult(int Index, double Ms, int StatusCode, string? FunctionError, string Payload)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>What one driver run returned, plus everything the function wrote to stdout (its JSON log lines).</summary>
internal sealed record EmulatorRun(IReadOnlyList<EmulatorResult> Results, string FunctionStdout);

/// <summary>
/// The published binary under @vercel/fun, a real Lambda Runtime API: <c>scripts/lambda-emulator.sh install</c>
/// (npm ci of the pinned emulator) and <c>publish</c> (the Dockerfile's <c>dotnet publish</c>) run once per test
/// run; each <see cref="InvokeAsync"/> starts one function instance through <c>scripts/lambda-emulator/invoke.cjs</c>.
/// A missing node/npm or a failed emulator install fails under CI and is ignored on a developer machine;
/// a failed publish always fails. <c>ETL_TEST_LAMBDA_PUBLISH_DIR</c> reuses an existing publish folder.
/// </summary>
internal static class LambdaEmulator
{
    private static readonly Lazy<Task<(string? Dir, string? Unavailable)>> Setup = new(SetUpAsync);

    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator.sh");
    private static string Driver => Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator", "invoke.cjs");

    /// <summary>The publish folder with <c>bootstrap</c>; ends the test (fail under CI, else ignore) when the emulator cannot be installed.</summary>
    public static async Task<string> PublishDirAsync()
    {
        var (dir, unavailable) = await Setup.Value;
        if (unavailable is not null)
        {
            var message = $"the Lambda emulator is not available: {unavailable}";
            if (TestServices.UnderCi) Assert.Fail(message);
            Assert.Ignore(message);
        }
        return dir!;
    }

    public static async Task<EmulatorRun> InvokeAsync(string handler, IReadOnlyDictionary<string, string> env, params string[] events)
    {
        var dir = await PublishDirAsync();
        var output = Path.Combine(Path.GetTempPath(), $"etl-fun-{Guid.NewGuid():N}.json");
        var args = new List<string> { Driver, "--dir", dir, "--handler", handler, "--out", output };
        foreach (var (k, v) in env) args.AddRange(["--env", $"{k}={v}"]);
        foreach (var e in events) args.AddRange(["--event", e]);
        try
        {
            var run = await ChildProcess.RunAsync("node", args, timeout: TimeSpan.FromMinutes(2));
            Assert.That(run.ExitCode, Is.Zero, $"invoke.cjs failed:\n{run.Stderr}\n{run.Stdout}");
            var results = JsonSerializer.Deserialize<List<EmulatorResult>>(await File.ReadAllTextAsync(output), Steps.Json.Options)!;
            foreach (var r in results) TestContext.Progress.WriteLine($"  fun invoke #{r.Index} {handler}: {r.Ms:F1} ms{(r.FunctionError is null ? "" : $" ({r.FunctionError})")}");
            return new EmulatorRun(results, run.Stdout);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<(string?, string?)> SetUpAsync()
    {
        var install = await ChildProcess.RunAsync("bash", [Script, "install"], timeout: TimeSpan.FromMinutes(5));
        if (install.ExitCode != 0) return (null, $"scripts/lambda-emulator.sh install failed: {install.Stderr.Trim()} {install.Stdout.Trim()}");

        if (Environment.GetEnvironmentVariable("ETL_TEST_LAMBDA_PUBLISH_DIR") is { Length: > 0 } reuse && File.Exists(Path.Combine(reuse, "bootstrap")))
        {
            return (reuse, null);
        }
        var dir = Path.Combine(RepoPaths.Root, "artifacts", "lambda", "function");
        var sw = Stopwatch.StartNew();
        var publish = await ChildProcess.RunAsync("bash", [Script, "publish", dir], timeout: TimeSpan.FromMinutes(10));
        if (publish.ExitCode != 0) Assert.Fail($"publishing the Lambda binary failed:\n{publish.Stdout}\n{publish.Stderr}");
        TestContext.Progress.WriteLine($"  published the Lambda binary in {sw.Elapsed.TotalSeconds:F1} s: {dir}");
        return (dir, null);
    }
}
