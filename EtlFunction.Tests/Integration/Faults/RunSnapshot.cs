using System.Globalization;
using System.Text.Json;
using EtlFunction.Parquet;
using EtlFunction.Steps;
using EtlFunction.Tests.Integration.StateMachine;
using MySqlConnector;

namespace EtlFunction.Tests.Integration.Faults;

/// <summary>
/// What one state machine execution left behind, read from the services directly (never through the fault
/// proxies): the dataset table's rows, the tables in the database, the ledger rows, every key in the processed
/// and archive buckets (the run id replaced by <c>{run}</c>, so runs on different buckets compare), the Parquet
/// rows read back, and the traffic each proxy forwarded. Two runs of the same good file must leave equal snapshots.
/// </summary>
internal sealed record RunSnapshot(
    Execution Run,
    IReadOnlyList<string> Table,
    IReadOnlyList<string> Tables,
    long LedgerRows,
    IReadOnlyList<string> ProcessedKeys,
    IReadOnlyList<string> ArchiveKeys,
    IReadOnlyList<string> ManifestArchiveKeys,
    long ParquetRows,
    long S3Bytes,
    long MySqlBytes,
    FaultFired? Fired)
{
    public const string Key = "titanic/titanic.csv";
    private const string TableName = "titanic_survivors";

    /// <summary>Runs the state machine on the titanic sample with the binary's S3 and MySQL traffic through fault proxies.</summary>
    public static async Task<RunSnapshot> TakeAsync(FaultTrial? trial)
    {
        await using var h = await StateMachineHarness.StartAsync("fault");
        var info = await h.UploadAsync(Key, Path.Combine(RepoPaths.Samples, "titanic.csv"));
        var mysql = new MySqlConnectionStringBuilder(h.Services.Db.ConnectionString);
        Execution run;
        long s3Bytes, mysqlBytes;
        FaultFired? fired;
        await using (var s3Proxy = FaultProxy.Start(new Uri(TestServices.S3Endpoint).Port, trial?.S3))
        await using (var mysqlProxy = FaultProxy.Start((int)mysql.Port, trial?.MySql))
        {
            mysql.Port = (uint)mysqlProxy.Port;
            string[] options = ["--env", $"AWS_ENDPOINT_URL_S3=http://127.0.0.1:{s3Proxy.Port}", "--env", $"ETL_MYSQL={mysql.ConnectionString}", .. trial?.DriverOptions ?? []];
            run = await h.RunAsync(h.ObjectCreated(Key, info), options);
            (s3Bytes, mysqlBytes) = (s3Proxy.BytesForwarded, mysqlProxy.BytesForwarded);
            fired = s3Proxy.Fired ?? mysqlProxy.Fired;
        }

        var runId = RunIds.For(h.Services.Landing.Name, Key, info.VersionId ?? info.ETag);
        var db = h.Services.Db;
        var tables = db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1").Select(r => (string)r[0]!).ToList();
        var table = tables.Contains(TableName) ? db.Query($"SELECT * FROM `{TableName}` ORDER BY 1").Select(Row).ToList() : [];
        var ledger = tables.Contains("_etl_ledger") ? db.Count("SELECT COUNT(*) FROM `_etl_ledger`") : 0;

        async Task<List<string>> KeysAsync(string bucket)
        {
            var keys = new List<string>();
            await foreach (var o in h.Services.Store.ListAsync(bucket, "")) keys.Add(o.Key.Replace(runId, "{run}", StringComparison.Ordinal));
            keys.Sort(StringComparer.Ordinal);
            return keys;
        }
        var processed = await KeysAsync(h.Services.Processed.Name);
        var archive = await KeysAsync(h.Services.Archive.Name);

        var manifestKeys = new List<string>();
        long parquetRows = 0;
        if (run.Status == "SUCCEEDED")
        {
            var manifestRef = run.Output.GetProperty("manifest");
            var manifest = JsonDocument.Parse(await h.GetTextAsync(manifestRef.GetProperty("bucket").GetString()!, manifestRef.GetProperty("key").GetString()!)).RootElement.GetProperty("run");
            foreach (var part in manifest.GetProperty("archive").EnumerateArray())
            {
                var key = part.GetProperty("key").GetString()!;
                manifestKeys.Add(key.Replace(runId, "{run}", StringComparison.Ordinal));
                parquetRows += ParquetReadBack.Read(await h.Services.GetBytesAsync(h.Services.Archive.Name, key)).RowCount;
            }
            manifestKeys.Sort(StringComparer.Ordinal);
        }
        return new RunSnapshot(run, table, tables, ledger, processed, archive, manifestKeys, parquetRows, s3Bytes, mysqlBytes, fired);
    }

    private static string Row(object?[] values) =>
        string.Join("|", values.Select(v => v is null ? "NULL" : Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>Each way this run differs from <paramref name="clean"/> or breaks an invariant; empty when it holds.</summary>
    public IEnumerable<string> Violations(RunSnapshot clean)
    {
        if (Run.Status != "SUCCEEDED") yield return $"a good file failed: {Run.Error}: {Truncate(Run.Cause)}";
        foreach (var f in Failures.Where(f => !RetriedTypes.Contains(f.Error))) yield return $"{f.State} failed with {f.Error}, which is not a retried type";
        if (!Table.SequenceEqual(clean.Table)) yield return $"the table differs from the clean run's ({Table.Count} rows, clean {clean.Table.Count})";
        if (!Tables.SequenceEqual(clean.Tables)) yield return $"tables [{string.Join(", ", Tables)}], clean [{string.Join(", ", clean.Tables)}]";
        if (LedgerRows != 1) yield return $"{LedgerRows} ledger rows";
        if (ProcessedKeys.Any(k => k.StartsWith("_failed/", StringComparison.Ordinal))) yield return "a good file was quarantined";
        if (!ProcessedKeys.SequenceEqual(clean.ProcessedKeys)) yield return $"processed keys [{string.Join(", ", ProcessedKeys.Except(clean.ProcessedKeys))}] extra, [{string.Join(", ", clean.ProcessedKeys.Except(ProcessedKeys))}] missing";
        if (!ArchiveKeys.SequenceEqual(clean.ArchiveKeys)) yield return $"archive keys [{string.Join(", ", ArchiveKeys.Except(clean.ArchiveKeys))}] extra, [{string.Join(", ", clean.ArchiveKeys.Except(ArchiveKeys))}] missing";
        var parquet = ArchiveKeys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)).ToList();
        if (Run.Status == "SUCCEEDED" && !parquet.SequenceEqual(ManifestArchiveKeys)) yield return "Parquet objects in the archive that the manifest does not name (or the reverse)";
        if (ParquetRows != clean.ParquetRows) yield return $"{ParquetRows} Parquet rows read back, clean {clean.ParquetRows}";
    }

    /// <summary>The error types a transient fault may surface as: both are retried by every Task.</summary>
    public static readonly string[] RetriedTypes = ["TransientError", "Runtime.ExitError"];

    public IReadOnlyList<(string State, string Error)> Failures =>
        [.. Run.Json.GetProperty("failures").EnumerateArray().Select(f => (f.GetProperty("state").GetString()!, f.GetProperty("error").GetString()!))];

    /// <summary>Whether the planned kill found a process to kill (false: the call had ended first).</summary>
    public bool Killed => Run.Json.GetProperty("kills").EnumerateArray().Any(k => k.GetProperty("pid").ValueKind == JsonValueKind.Number);

    /// <summary>The clean run's duration of each state's first call, for aiming kills.</summary>
    public IReadOnlyDictionary<string, long> CallMs =>
        Run.Json.GetProperty("callMs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetInt64());

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 300 ? s : s[..300] + "…";
}
