using System.Diagnostics;
using System.Text.Json;

namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>One invocation as the emulator returned it: status, FunctionError (Handled/Unhandled), payload, wall time.</summary>
internal sealed record EmulatorResult(int Index, double Ms, int StatusCode, string? FunctionError, string Payload)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>What one driver run returned, plus everything the function wrote to stdout (its JSON log lines).</summary>
internal sealed record EmulatorRun(IReadOnlyList<EmulatorResult> Results, string FunctionStdout);

/// <summary>
/// A function folder under @vercel/fun, a real Lambda Runtime API: <c>scripts/lambda-emulator.sh install</c>
/// (npm ci of the pinned emulator) runs once per test run, and so does <c>publish</c> (the Dockerfile's
/// <c>dotnet publish</c>) when a test needs the published binary; each <see cref="InvokeAsync(string, string, IReadOnlyDictionary{string, string}, string[])"/>
/// starts one function instance through <c>scripts/lambda-emulator/invoke.cjs</c>. The folder is the publish
/// folder, or a container folder (<see cref="Image.ImageUnderTest"/>) whose bootstrap runs the image: the same
/// driver, the same Runtime API, the same assertions. A missing node/npm or a failed emulator install fails
/// under CI and is ignored on a developer machine; a failed publish always fails.
/// <c>ETL_TEST_LAMBDA_PUBLISH_DIR</c> reuses an existing publish folder (scripts/test.sh: the one copied out of the image).
/// </summary>
internal static class LambdaEmulator
{
    // The emulator's own result file (not a project document): the test reads it with the reflection serializer.
    private static readonly JsonSerializerOptions ResultOptions = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<Task<string?>> Install = new(InstallAsync);
    private static readonly Lazy<Task<string>> Publish = new(PublishAsync);

    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator.sh");
    private static string Driver => Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator", "invoke.cjs");

    /// <summary>Ends the test (fail under CI, else ignore) unless the emulator is installed.</summary>
    public static async Task RequireAsync()
    {
        if (await Install.Value is not { } unavailable) return;
        var message = $"the Lambda emulator is not available: {unavailable}";
        if (TestServices.UnderCi) Assert.Fail(message);
        Assert.Ignore(message);
    }

    /// <summary>The publish folder with <c>bootstrap</c>; ends the test (fail under CI, else ignore) when the emulator cannot be installed.</summary>
    public static async Task<string> PublishDirAsync()
    {
        await RequireAsync();
        return await Publish.Value;
    }

    /// <summary>Runs the published binary (see <see cref="InvokeAsync(string, string, IReadOnlyDictionary{string, string}, string[])"/>).</summary>
    public static async Task<EmulatorRun> InvokeAsync(string handler, IReadOnlyDictionary<string, string> env, params string[] events) =>
        await InvokeAsync(await PublishDirAsync(), handler, env, events);

    /// <summary>
    /// One function instance of <paramref name="dir"/> (a folder with <c>bootstrap</c>) with <c>_HANDLER</c> =
    /// <paramref name="handler"/>, given <paramref name="events"/> in order (the first is the cold start).
    /// <paramref name="env"/> are the function's variables; the credentials and region are this process's
    /// <c>AWS_*</c> variables, passed as Lambda passes a role's (invoke.cjs).
    /// </summary>
    public static async Task<EmulatorRun> InvokeAsync(string dir, string handler, IReadOnlyDictionary<string, string> env, params string[] events)
    {
        await RequireAsync();
        var output = Path.Combine(Path.GetTempPath(), $"etl-fun-{Guid.NewGuid():N}.json");
        var args = new List<string> { Driver, "--dir", dir, "--handler", handler, "--out", output };
        foreach (var (k, v) in env) args.AddRange(["--env", $"{k}={v}"]);
        foreach (var e in events) args.AddRange(["--event", e]);
        var credentials = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = TestServices.S3AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = TestServices.S3SecretKey,
            ["AWS_REGION"] = "us-east-1",
        };
        try
        {
            var run = await ChildProcess.RunAsync("node", args, env: credentials, timeout: TimeSpan.FromMinutes(3));
            Assert.That(run.ExitCode, Is.Zero, $"invoke.cjs failed:\n{run.Stderr}\n{run.Stdout}");
            var results = JsonSerializer.Deserialize<List<EmulatorResult>>(await File.ReadAllTextAsync(output), ResultOptions)!;
            foreach (var r in results) TestContext.Progress.WriteLine($"  fun invoke #{r.Index} {handler}: {r.Ms:F1} ms{(r.FunctionError is null ? "" : $" ({r.FunctionError})")}");
            return new EmulatorRun(results, run.Stdout);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<string?> InstallAsync()
    {
        var install = await ChildProcess.RunAsync("bash", [Script, "install"], timeout: TimeSpan.FromMinutes(5));
        return install.ExitCode == 0 ? null : $"scripts/lambda-emulator.sh install failed: {install.Stderr.Trim()} {install.Stdout.Trim()}";
    }

    /// <summary>
    /// ETL_TEST_LAMBDA_AOT=true: the tests run the Native AOT binary instead of the ReadyToRun one. scripts/test.sh
    /// sets it when the image under test is the AOT build and hands over the binary copied out of that image
    /// (<c>ETL_TEST_LAMBDA_PUBLISH_DIR</c>, <c>lambda-emulator.sh from-image</c>); without that folder the tests
    /// publish it themselves (<c>lambda-emulator.sh publish DIR --aot</c>, minutes).
    /// </summary>
    public static bool Aot { get; } =
        string.Equals(Environment.GetEnvironmentVariable("ETL_TEST_LAMBDA_AOT"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The publish folder handed over (<c>ETL_TEST_LAMBDA_PUBLISH_DIR</c>, with its <c>bootstrap</c>), else null.</summary>
    public static string? HandedOverDir =>
        Environment.GetEnvironmentVariable("ETL_TEST_LAMBDA_PUBLISH_DIR") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "bootstrap")) ? dir : null;

    private static async Task<string> PublishAsync()
    {
        if (HandedOverDir is { } reuse) return reuse;
        var aot = Aot;
        var dir = Path.Combine(RepoPaths.Root, "artifacts", "lambda", aot ? "function-aot" : "function");
        var sw = Stopwatch.StartNew();
        string[] args = aot ? [Script, "publish", dir, "--aot"] : [Script, "publish", dir];
        var publish = await ChildProcess.RunAsync("bash", args, timeout: TimeSpan.FromMinutes(aot ? 20 : 10));
        if (publish.ExitCode != 0) Assert.Fail($"publishing the Lambda binary failed:\n{publish.Stdout}\n{publish.Stderr}");
        TestContext.Progress.WriteLine($"  published the {(aot ? "Native AOT" : "ReadyToRun")} Lambda binary in {sw.Elapsed.TotalSeconds:F1} s: {dir}");
        return dir;
    }
}
