using System.Text;
using System.Text.Json;
using EtlFunction.Storage;
using EtlFunction.Tests.Integration.Pipeline;

namespace EtlFunction.Tests.Integration.Replay;

/// <summary>
/// <c>replay</c> through the real binary on the S3 emulator and MariaDB: the quarantined copy goes back to the landing
/// bucket byte for byte (the same ETag, so the same run id), the replayed run loads once, and a second replay loads
/// nothing — checked on the objects, the MySQL table and the ledger.
/// </summary>
[NonParallelizable]
public class ReplayS3Tests
{
    private const string Csv = "id,name\n1,Ann\n2,Bob\n3,Cy\n";

    private static string Contract(bool fixedContract) =>
        "dataset: people\ntable: people\ncolumns:\n  - name: id\n    type: int64\n    nullable: false\n  - name: name\n    type: string\n"
        + (fixedContract ? "" : "  - name: city\n    type: string\n")
        + "primary_key: [id]\nload:\n  mode: append\n";

    private sealed record Fixture(PipelineServices S, string Contracts, string File, string[] Options)
    {
        public void WriteContract(bool fixedContract) => System.IO.File.WriteAllText(Path.Combine(Contracts, "people.yaml"), Contract(fixedContract));

        public Task<PipelineServices.Result> Run(params string[] args) => S.RunAsync([.. args, .. Options]);

        public long Count(string sql)
        {
            try
            {
                return S.Db.Count(sql);
            }
            catch (MySqlConnector.MySqlException e) when (e.ErrorCode == MySqlConnector.MySqlErrorCode.NoSuchTable)
            {
                return -1;
            }
        }
    }

    private static async Task<Fixture> StartAsync(PipelineServices s)
    {
        var contracts = Path.Combine(s.Work, "contracts");
        Directory.CreateDirectory(contracts);
        var file = Path.Combine(s.Work, "people.csv");
        await File.WriteAllTextAsync(file, Csv);
        var fixture = new Fixture(s, contracts, file,
        [
            "--s3", "--landing-bucket", s.Landing.Name, "--processed-bucket", s.Processed.Name, "--archive-bucket", s.Archive.Name,
            "--mysql", s.Db.ConnectionString, "--contracts", contracts,
        ]);
        fixture.WriteContract(fixedContract: false);
        return fixture;
    }

    /// <summary>Runs the file against the broken contract on S3: it fails and is quarantined; returns the run id.</summary>
    private static async Task<string> QuarantineAsync(Fixture f)
    {
        var r = await f.Run("run", f.File, "--quiet");
        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        var failed = new List<ObjectInfo>();
        await foreach (var o in f.S.Store.ListAsync(f.S.Processed.Name, "_failed/")) failed.Add(o);
        var runId = failed.Select(o => o.Key.Split('/')[1]).Distinct().Single();
        Assert.That(failed.Select(o => o.Key), Is.EquivalentTo(new[] { $"_failed/{runId}/error.json", $"_failed/{runId}/people.csv" }));
        Assert.That(Encoding.UTF8.GetString(await f.S.GetBytesAsync(f.S.Processed.Name, $"_failed/{runId}/people.csv")), Is.EqualTo(Csv));
        Assert.That((await f.S.Store.GetTagsAsync(f.S.Landing.Name, "people/people.csv"))["etl-status"], Is.EqualTo("quarantined"));
        return runId;
    }

    [Test]
    public async Task Replay_AfterContractFix_OnS3AndMySql_LoadsOnce_SecondReplayLoadsNothing()
    {
        await using var s = await PipelineServices.StartAsync("replay");
        var f = await StartAsync(s);
        var runId = await QuarantineAsync(f);
        f.WriteContract(fixedContract: true);

        var dry = await f.Run("replay", "--dataset", "people");
        Assert.That(dry.ExitCode, Is.Zero, dry.Stderr);
        Assert.That(dry.Stdout.Trim(), Does.StartWith($"would restore {runId}: _failed/{runId}/people.csv -> {s.Landing.Name}/people/people.csv (ContractViolation"));
        Assert.That(dry.Stdout.Trim(), Does.EndWith("rewritten to raise the object-created event)"));
        Assert.That(await s.Store.HeadAsync(s.Processed.Name, $"_failed/{runId}/replayed.json"), Is.Null, "a dry run writes nothing");

        var first = await f.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);
        Assert.That(first.Stdout, Does.Contain($"ran {runId}: loaded 3 rows"), "the put-back object has the same ETag, so the same run id");
        Assert.That(f.Count("SELECT COUNT(*) FROM people"), Is.EqualTo(3));
        Assert.That(f.Count("SELECT SUM(id) FROM people"), Is.EqualTo(6));
        Assert.That(f.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
        Assert.That(Encoding.UTF8.GetString(await s.GetBytesAsync(s.Landing.Name, "people/people.csv")), Is.EqualTo(Csv));
        Assert.That((await s.Store.GetTagsAsync(s.Landing.Name, "people/people.csv"))["etl-status"], Is.EqualTo("replayed"));
        using (var marker = JsonDocument.Parse(await s.GetBytesAsync(s.Processed.Name, $"_failed/{runId}/replayed.json")))
        {
            Assert.That(marker.RootElement.GetProperty("action").GetString(), Is.EqualTo("restore"));
            Assert.That(marker.RootElement.GetProperty("bucket").GetString(), Is.EqualTo(s.Landing.Name));
        }
        var archived = new List<ObjectInfo>();
        await foreach (var o in s.Store.ListAsync(s.Archive.Name, "people/")) archived.Add(o);
        Assert.That(archived.Select(o => Path.GetFileName(o.Key)), Is.EqualTo(new[] { runId + ".parquet" }));

        var second = await f.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);
        Assert.That(second.Stdout.Trim(), Does.StartWith($"skip {runId}: already replayed at"));
        Assert.That(f.Count("SELECT COUNT(*) FROM people"), Is.EqualTo(3));
        Assert.That(f.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));

        var forced = await f.Run("replay", runId, "--apply", "--run", "--force", "--quiet");
        Assert.That(forced.ExitCode, Is.Zero, forced.Stderr);
        Assert.That(forced.Stdout, Does.Contain($"ran {runId}: already in the ledger, loaded nothing"));
        Assert.That(f.Count("SELECT COUNT(*) FROM people"), Is.EqualTo(3));
        Assert.That(f.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public async Task Replay_LandingObjectDeleted_OnS3_RestoresItFromTheQuarantinedCopy()
    {
        await using var s = await PipelineServices.StartAsync("replay-del");
        var f = await StartAsync(s);
        var runId = await QuarantineAsync(f);
        await s.Store.DeleteAsync(s.Landing.Name, "people/people.csv");
        f.WriteContract(fixedContract: true);

        // --apply alone: the object is back (on AWS its event starts the state machine); nothing ran here.
        var apply = await f.Run("replay", $"_failed/{runId}/", "--apply");
        Assert.That(apply.ExitCode, Is.Zero, apply.Stderr);
        Assert.That(apply.Stdout.Trim(), Does.StartWith($"restored {runId}:").And.EndWith("the landing key is empty)"));
        Assert.That(Encoding.UTF8.GetString(await s.GetBytesAsync(s.Landing.Name, "people/people.csv")), Is.EqualTo(Csv));
        Assert.That(f.Count("SELECT COUNT(*) FROM people"), Is.EqualTo(-1));

        // What the event starts: preprocess → load → archive → finalize on the restored object, under the same run id.
        var info = (await s.Store.HeadAsync(s.Landing.Name, "people/people.csv"))!;
        Assert.That(EtlFunction.Steps.RunIds.For(info.Bucket, info.Key, info.VersionId ?? info.ETag), Is.EqualTo(runId));
        var evt = s.ObjectCreated("people/people.csv", info).ToJsonString();
        var preprocess = await s.RunAsync(["invoke", "preprocess", .. f.Options], evt);
        Assert.That(preprocess.ExitCode, Is.Zero, preprocess.Stderr);
        var load = await s.RunAsync(["invoke", "load", .. f.Options], preprocess.Stdout);
        Assert.That(load.ExitCode, Is.Zero, load.Stderr);
        Assert.That(load.Json.GetProperty("runId").GetString(), Is.EqualTo(runId));
        Assert.That(f.Count("SELECT COUNT(*) FROM people"), Is.EqualTo(3));
        Assert.That(f.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }
}
