using System.Text.Json;
using EtlFunction.Cli;
using EtlFunction.Configuration;
using EtlFunction.Lambda;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>
/// A <see cref="LambdaHost"/> against a <see cref="FakeRuntimeApi"/>, with a temporary local store
/// holding <c>landing/titanic/titanic.csv</c> (the repository sample) and the repository's contracts.
/// The host's stdout (JSON logs and EMF lines) is captured.
/// </summary>
internal sealed class HostHarness : IDisposable
{
    public const string TitanicEvent = """{"bucket":"landing","key":"titanic/titanic.csv"}""";

    public FakeRuntimeApi Api { get; } = new();
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "etl-lambda-" + Guid.NewGuid().ToString("N"));
    public string Store => Path.Combine(Root, "store");
    public StringWriter Stdout { get; } = new();
    public JsonLogger Log { get; }
    public int ContextsBuilt { get; private set; }

    public HostHarness()
    {
        Log = new JsonLogger(TextWriter.Synchronized(Stdout));
        var landing = Path.Combine(Store, "landing", "titanic");
        Directory.CreateDirectory(landing);
        File.Copy(Path.Combine(RepoPaths.Samples, "titanic.csv"), Path.Combine(landing, "titanic.csv"));
    }

    /// <summary>The local context a production host would build, over the temporary store.</summary>
    public StepContext LocalContext()
    {
        ContextsBuilt++;
        return new PipelineSettings(Store, StoreKind.Folder, Buckets.Local, Path.Combine(Store, "etl.db"), contractsDir: RepoPaths.Contracts).CreateContext(Log.StepMessage);
    }

    /// <summary>Runs the host loop until it has posted <paramref name="posts"/> outcomes, then stops it (as Lambda would freeze it).</summary>
    public async Task<List<Posted>> RunAsync(string handler, int posts, Func<StepContext>? contexts = null, LambdaHostOptions? options = null)
    {
        using var client = new RuntimeApiClient(Api.Address);
        var host = new LambdaHost(client, handler, contexts ?? LocalContext, Log, options);
        using var stop = new CancellationTokenSource();
        var loop = host.RunAsync(stop.Token);
        var result = new List<Posted>();
        try
        {
            for (var i = 0; i < posts; i++) result.Add(await Api.NextPostAsync());
        }
        finally
        {
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        return result;
    }

    /// <summary>Every stdout line, parsed (each must be one JSON object).</summary>
    public List<JsonElement> LogLines() =>
        Stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();

    public static string EpochMs(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Api.Dispose();
        Environment.SetEnvironmentVariable(LambdaHost.TraceVariable, null);
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

/// <summary>An object store whose every read waits until cancelled: a step that is still running when the deadline comes.</summary>
internal sealed class StallingStore : IObjectStore
{
    public string Describe(string bucket, string key) => $"stall://{bucket}/{key}";
    public string? LocalPath(string bucket, string key) => null;

    public async Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken ct = default)
    {
        await Task.Delay(Timeout.Infinite, ct);
        return null;
    }

    public Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<Stream> OpenRangeReadAsync(string bucket, string key, long start, long limit, string? etag, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<ObjectWriter> OpenWriteAsync(string bucket, string key, CancellationToken ct = default) => throw new NotSupportedException("nothing may be written");
    public Task CopyAsync(string sourceBucket, string sourceKey, string targetBucket, string targetKey, CancellationToken ct = default) => throw new NotSupportedException();
    public Task DeleteAsync(string bucket, string key, CancellationToken ct = default) => throw new NotSupportedException();
    public IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix, CancellationToken ct = default) => throw new NotSupportedException();
    public Task TagAsync(string bucket, string key, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string bucket, string key, CancellationToken ct = default) => throw new NotSupportedException();
}
