using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Storage;
using EtlFunction.Tests.Integration.Lambda;
using EtlFunction.Tests.Integration.Pipeline;

namespace EtlFunction.Tests.Integration.StateMachine;

/// <summary>How one execution ended, as <c>scripts/state-machine/run.cjs</c> reports it.</summary>
internal sealed record Execution(JsonElement Json)
{
    public string Status => Json.GetProperty("status").GetString()!;
    public JsonElement Output => Json.GetProperty("output");
    public string? Error => Json.TryGetProperty("error", out var e) ? e.GetString() : null;
    public string? Cause => Json.TryGetProperty("cause", out var c) ? c.GetString() : null;
    public IReadOnlyList<string> States => [.. Json.GetProperty("states").EnumerateArray().Select(s => s.GetString()!)];
    public IReadOnlyList<string> RetriedStates => [.. Json.GetProperty("retries").EnumerateArray().Select(r => r.GetProperty("state").GetString()!)];
    public int Invocations(string state) => Json.GetProperty("invocations").TryGetProperty(state, out var n) ? n.GetInt32() : 0;
    public override string ToString() => Json.GetRawText();
}

/// <summary>
/// The real definition under aws-local-stepfunctions with each Task sent to the function — the published binary,
/// or the container image (<see cref="FunctionForm"/>) — under a real Lambda Runtime API (@vercel/fun), the
/// functions configured as the template configures them in AWS (bucket variables, a MySQL connection string) but
/// pointed at the test services: three fresh buckets on the S3 emulator and a fresh MariaDB database
/// (<see cref="PipelineServices"/>).
/// </summary>
internal sealed class StateMachineHarness : IAsyncDisposable
{
    private StateMachineHarness(PipelineServices services, FunctionForm form)
    {
        Services = services;
        Form = form;
    }

    public PipelineServices Services { get; }
    public FunctionForm Form { get; }

    public static async Task<StateMachineHarness> StartAsync(string purpose, FunctionForm form = FunctionForm.PublishedBinary)
    {
        await NodeTools.RequireAsync();
        // The function first: a missing image or emulator ends the test before any bucket is made.
        await form.DirAsync();
        return new StateMachineHarness(await PipelineServices.StartAsync(purpose), form);
    }

    public Task<ObjectInfo> UploadAsync(string key, string localPath) => Services.Store.PutFileAsync(Services.Landing.Name, key, localPath);

    /// <summary>The EventBridge "Object Created" event S3 sends for <paramref name="key"/>.</summary>
    public JsonObject ObjectCreated(string key, ObjectInfo info) => Services.ObjectCreated(key, info);

    /// <summary>Runs one execution; <paramref name="driverOptions"/> go to run.cjs (e.g. <c>--transient-once Load:after</c>).</summary>
    public async Task<Execution> RunAsync(JsonObject input, params string[] driverOptions)
    {
        var dir = await Form.DirAsync();
        var output = Path.Combine(Services.Work, $"execution-{Guid.NewGuid():N}.json");
        var functionEnv = new Dictionary<string, string>
        {
            ["ETL_LANDING_BUCKET"] = Services.Landing.Name,
            ["ETL_PROCESSED_BUCKET"] = Services.Processed.Name,
            ["ETL_ARCHIVE_BUCKET"] = Services.Archive.Name,
            ["ETL_MYSQL"] = Services.Db.ConnectionString,
            ["AWS_ENDPOINT_URL_S3"] = TestServices.S3Endpoint,
            ["ETL_S3_COMPAT"] = "plain",
        };
        var args = new List<string> { Path.Combine(NodeTools.Dir, "run.cjs"), "--dir", dir, "--out", output };
        foreach (var (k, v) in Form.Variables(functionEnv)) args.AddRange(["--env", $"{k}={v}"]);
        args.AddRange(driverOptions);
        // Lambda passes the role's credentials and region itself: run.cjs hands its own to the functions.
        var credentials = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = TestServices.S3AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = TestServices.S3SecretKey,
            ["AWS_REGION"] = "us-east-1",
        };
        var run = await ChildProcess.RunAsync("node", args, input.ToJsonString(), credentials, TimeSpan.FromMinutes(3));
        Assert.That(run.ExitCode, Is.Zero, $"run.cjs failed:\n{run.Stderr}");
        var execution = new Execution(JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.Clone());
        TestContext.Progress.WriteLine($"  state machine ({Form}): {execution.Status} in {execution.Json.GetProperty("ms").GetInt64()} ms: {string.Join(" -> ", execution.States)}");
        return execution;
    }

    public Task<string> GetTextAsync(string bucket, string key) => Services.Store.GetTextAsync(bucket, key);

    public async Task<bool> ExistsAsync(string bucket, string key) => await Services.Store.HeadAsync(bucket, key) is not null;

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
