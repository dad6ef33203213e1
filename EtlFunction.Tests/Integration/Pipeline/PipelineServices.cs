using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Storage;
using EtlFunction.Tests.Integration.Database;
using EtlFunction.Tests.Integration.Storage;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// Three fresh buckets on the S3 emulator and a fresh MariaDB database, and a way to run the real
/// EtlFunction executable (the apphost built beside the tests) against them, as a user would with
/// <c>--s3 --mysql</c>.
/// </summary>
internal sealed class PipelineServices : IAsyncDisposable
{
    private PipelineServices(S3TestBucket landing, S3TestBucket processed, S3TestBucket archive, MySqlTestDb db, string work)
    {
        Landing = landing;
        Processed = processed;
        Archive = archive;
        Db = db;
        Work = work;
        Store = new S3ObjectStore(S3TestBucket.Options());
    }

    public S3TestBucket Landing { get; }
    public S3TestBucket Processed { get; }
    public S3TestBucket Archive { get; }
    public MySqlTestDb Db { get; }
    public string Work { get; }
    public S3ObjectStore Store { get; }

    /// <summary>The executable the runs start: the apphost built beside the tests, unless a test names another (the shipped AOT binary).</summary>
    public string Binary { get; set; } = Path.Combine(AppContext.BaseDirectory, "EtlFunction");

    public static async Task<PipelineServices> StartAsync(string purpose)
    {
        var landing = await S3TestBucket.CreateAsync(purpose + "-l");
        var processed = await S3TestBucket.CreateAsync(purpose + "-p");
        var archive = await S3TestBucket.CreateAsync(purpose + "-a");
        var work = Path.Combine(Path.GetTempPath(), "etl-it-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        return new PipelineServices(landing, processed, archive, new MySqlTestDb(TestServices.MySql), work);
    }

    /// <summary>The S3 and MySQL options every <c>run</c>/<c>invoke</c> here gets.</summary>
    public string[] Options =>
    [
        "--s3", "--landing-bucket", Landing.Name, "--processed-bucket", Processed.Name, "--archive-bucket", Archive.Name,
        "--mysql", Db.ConnectionString, "--contracts", RepoPaths.Contracts,
    ];

    public sealed record Result(int ExitCode, string Stdout, string Stderr, long PeakRssBytes)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    /// <summary>Starts the binary; the caller may kill it (crash tests).</summary>
    public Process Start(IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Work,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ENDPOINT_URL_S3"] = TestServices.S3Endpoint;
        psi.Environment["AWS_ACCESS_KEY_ID"] = TestServices.S3AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = TestServices.S3SecretKey;
        psi.Environment["AWS_REGION"] = "us-east-1";
        psi.Environment["ETL_S3_COMPAT"] = "plain";
        psi.Environment["ETL_PEAK_RSS_FILE"] = Path.Combine(Work, "peak-" + Guid.NewGuid().ToString("N"));
        psi.Environment.Remove("ETL_MYSQL");
        var p = Process.Start(psi)!;
        p.StandardInput.Write(stdin ?? "");
        p.StandardInput.Close();
        return p;
    }

    public async Task<Result> RunAsync(IEnumerable<string> args, string? stdin = null)
    {
        using var p = Start(args, stdin);
        var peakFile = p.StartInfo.Environment["ETL_PEAK_RSS_FILE"]!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        var peak = File.Exists(peakFile) ? long.Parse(await File.ReadAllTextAsync(peakFile), CultureInfo.InvariantCulture) : 0;
        return new Result(p.ExitCode, await stdout, await stderr, peak);
    }

    public async Task<byte[]> GetBytesAsync(string bucket, string key)
    {
        await using var s = await Store.OpenReadAsync(bucket, key);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>The bucket and key of an <c>s3://bucket/key</c> path from the summary.</summary>
    /// <summary>The EventBridge "Object Created" event S3 sends for <paramref name="key"/> in the landing bucket (events/preprocess.json re-addressed).</summary>
    public JsonObject ObjectCreated(string key, ObjectInfo info)
    {
        var evt = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "events", "preprocess.json")))!.AsObject();
        evt["resources"] = new JsonArray(JsonValue.Create($"arn:aws:s3:::{Landing.Name}"));
        evt["detail"]!["bucket"]!["name"] = Landing.Name;
        evt["detail"]!["object"]!["key"] = key;
        evt["detail"]!["object"]!["size"] = info.Size;
        evt["detail"]!["object"]!["etag"] = info.ETag.Trim('"');
        return evt;
    }

    public static (string Bucket, string Key) Split(string s3Path)
    {
        var rest = s3Path["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return (rest[..slash], rest[(slash + 1)..]);
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        Db.Dispose();
        await Landing.DisposeAsync();
        await Processed.DisposeAsync();
        await Archive.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }
}
