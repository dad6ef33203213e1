using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// <c>replay</c> through the CLI entry on the local folder store and SQLite: a file quarantined for a contract
/// violation loads once after the contract is fixed, and replaying again loads nothing (table and ledger rows).
/// </summary>
public class ReplayCommandTests
{
    private const string Csv = "id,name\n1,Ann\n2,Bob\n3,Cy\n";

    /// <summary>A contract that needs a <c>city</c> column the file does not have (the "bug"), or the fixed one.</summary>
    private static string Contract(bool fixedContract) => $"""
        dataset: people
        table: people
        columns:
          - name: id
            type: int64
            nullable: false
          - name: name
            type: string
        {(fixedContract ? "" : "  - name: city\n    type: string\n")}primary_key: [id]
        load:
          mode: append

        """;

    private sealed class Setup : IDisposable
    {
        public CliHarness H { get; } = new();
        public string Contracts => Path.Combine(H.Root, "contracts");
        public string File => Path.Combine(H.Root, "people.csv");
        public string Landing => Path.Combine(H.Store, "landing", "people", "people.csv");
        public string Failed => Path.Combine(H.Store, "processed", "_failed");

        public Setup()
        {
            Directory.CreateDirectory(Contracts);
            WriteContract(fixedContract: false);
            System.IO.File.WriteAllText(File, Csv);
        }

        public void WriteContract(bool fixedContract) => System.IO.File.WriteAllText(Path.Combine(Contracts, "people.yaml"), Contract(fixedContract));

        public Task<CliHarness.Result> Run(params string[] args) => H.Run("", [.. args, "--contracts", Contracts]);

        /// <summary>Runs the file against the broken contract: it fails and is quarantined; returns its run id.</summary>
        public async Task<string> QuarantineAsync()
        {
            var r = await Run("run", File, "--quiet");
            Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
            var runId = Path.GetFileName(Directory.GetDirectories(Failed).Single());
            Assert.That(System.IO.File.Exists(Path.Combine(Failed, runId, "error.json")), Is.True);
            return runId;
        }

        public long Count(string sql)
        {
            if (!System.IO.File.Exists(H.Db)) return -1;
            using var c = new SqliteConnection($"Data Source={H.Db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            try
            {
                return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
            {
                return -1;
            }
        }

        public long Rows => Count("SELECT COUNT(*) FROM people");
        public long Ledger => Count("SELECT COUNT(*) FROM _etl_ledger");

        public void Dispose() => H.Dispose();
    }

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task Replay_AfterContractFix_LoadsOnce_SecondReplayLoadsNothing()
    {
        using var s = new Setup();
        var runId = await s.QuarantineAsync();
        Assert.That(s.Rows, Is.EqualTo(-1), "nothing loaded by the failed run");
        s.WriteContract(fixedContract: true);

        // Dry run (the default): one line for the one quarantined object, nothing written.
        var dry = await s.Run("replay", "--dataset", "people");
        Assert.That(dry.ExitCode, Is.Zero, dry.Stderr);
        Assert.That(Lines(dry.Stdout), Has.Length.EqualTo(1));
        Assert.That(dry.Stdout, Does.StartWith($"would replay in place {runId}: landing/people/people.csv (ContractViolation"));
        Assert.That(File.Exists(Path.Combine(s.Failed, runId, "replayed.json")), Is.False);
        Assert.That(s.Rows, Is.EqualTo(-1));

        var first = await s.Run("replay", $"_failed/{runId}/", "--apply", "--run", "--quiet");
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);
        Assert.That(first.Stdout, Does.Contain($"ran {runId}: loaded 3 rows"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));
        Assert.That(s.Count("SELECT SUM(id) FROM people"), Is.EqualTo(6));
        using (var marker = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.Failed, runId, "replayed.json"))))
        {
            Assert.That(marker.RootElement.GetProperty("runId").GetString(), Is.EqualTo(runId));
            Assert.That(marker.RootElement.GetProperty("key").GetString(), Is.EqualTo("people/people.csv"));
        }
        Assert.That(File.ReadAllText(s.Landing + ".tags~"), Does.Contain("\"etl-status\":\"replayed\""));

        // Again: the marker makes it a no-op.
        var second = await s.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);
        Assert.That(second.Stdout.Trim(), Does.StartWith($"skip {runId}: already replayed at"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));

        // Forced: the pipeline runs, and the ledger keeps the load exactly-once.
        var forced = await s.Run("replay", runId, "--apply", "--run", "--force", "--quiet");
        Assert.That(forced.ExitCode, Is.Zero, forced.Stderr);
        Assert.That(forced.Stdout, Does.Contain($"ran {runId}: already in the ledger, loaded nothing"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));
    }

    [Test]
    public async Task Replay_LandingKeyEmpty_RestoresTheQuarantinedCopyByteForByte()
    {
        using var s = new Setup();
        var runId = await s.QuarantineAsync();
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(s.Landing)!)) File.Delete(f);
        s.WriteContract(fixedContract: true);

        var dry = await s.Run("replay", runId);
        Assert.That(dry.Stdout.Trim(), Is.EqualTo(
            $"would restore {runId}: _failed/{runId}/people.csv -> landing/people/people.csv (ContractViolation, quarantined {QuarantinedAt(s, runId)}; the landing key is empty)"));
        Assert.That(File.Exists(s.Landing), Is.False, "a dry run writes nothing");

        // --apply without --run: the source is back, but a folder store raises no event, so nothing runs it and the
        // quarantine is not marked replayed.
        var apply = await s.Run("replay", runId, "--apply");
        Assert.That(apply.ExitCode, Is.Zero, apply.Stderr);
        Assert.That(apply.Stdout, Does.Contain("not started: a local folder store has no events"));
        Assert.That(File.ReadAllText(s.Landing), Is.EqualTo(Csv));
        Assert.That(File.Exists(Path.Combine(s.Failed, runId, "replayed.json")), Is.False);
        Assert.That(s.Rows, Is.EqualTo(-1));

        // The restored object is the same object (same bytes, same ETag): --run loads it under the quarantined run id.
        var run = await s.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Stdout, Does.StartWith($"replayed in place {runId}:").And.Contain($"ran {runId}: loaded 3 rows"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));
    }

    private static string QuarantinedAt(Setup s, string runId)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.Failed, runId, "error.json")));
        return doc.RootElement.GetProperty("quarantinedAt").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task Replay_LandingKeyHoldsALaterUpload_SkipsUnlessForced()
    {
        using var s = new Setup();
        var runId = await s.QuarantineAsync();
        File.WriteAllText(s.Landing, "id,name\n9,Zed\n"); // a newer upload under the same key

        var plain = await s.Run("replay", runId, "--apply");
        Assert.That(plain.Stdout.Trim(), Does.StartWith($"skip {runId}: the landing key holds another object now"));
        Assert.That(File.ReadAllText(s.Landing), Is.EqualTo("id,name\n9,Zed\n"));

        var forced = await s.Run("replay", runId, "--apply", "--force");
        Assert.That(forced.Stdout.Trim(), Does.StartWith($"restored {runId}:").And.Contain("--force: overwrites the other object"));
        Assert.That(File.ReadAllText(s.Landing), Is.EqualTo(Csv));
    }

    [Test]
    public async Task Replay_RunFailsAgain_IsQuarantinedAnewAndStaysReplayable()
    {
        using var s = new Setup();
        var runId = await s.QuarantineAsync();

        // No fix: the replayed run fails the same way, with its exit code, and is quarantined again.
        var again = await s.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(again.ExitCode, Is.EqualTo(4), again.Stderr);
        Assert.That(again.Stdout, Does.Contain("failed again with ContractViolation"));
        Assert.That(s.Rows, Is.EqualTo(-1));

        // The newer quarantine is not the one the marker records: a replay after the fix is not blocked.
        s.WriteContract(fixedContract: true);
        var afterFix = await s.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(afterFix.ExitCode, Is.Zero, afterFix.Stderr);
        Assert.That(afterFix.Stdout, Does.Contain("loaded 3 rows"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));
    }

    /// <summary>
    /// The known limit: a run that failed after its load committed (here the archive cannot write) is already in
    /// the ledger, so its replay loads nothing — and completes what failed (the archive and the manifest).
    /// </summary>
    [Test]
    public async Task Replay_FailedAfterTheLoadCommitted_LoadsNothingAndCompletesTheArchive()
    {
        using var s = new Setup();
        s.WriteContract(fixedContract: true);
        var blocker = Path.Combine(s.H.Store, "archive", "people");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "a file where the archive's folder goes"); // the archive step fails; the load (in parallel) commits

        var failed = await s.Run("run", s.File, "--quiet");
        Assert.That(failed.ExitCode, Is.Not.Zero, failed.Stderr);
        Assert.That(s.Rows, Is.EqualTo(3), "the load committed before the failure");
        Assert.That(s.Ledger, Is.EqualTo(1));
        var runId = Path.GetFileName(Directory.GetDirectories(s.Failed).Single());
        using (var error = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.Failed, runId, "error.json"))))
        {
            Assert.That(error.RootElement.GetProperty("failedState").GetString(), Is.EqualTo("LoadAndArchive"));
        }

        File.Delete(blocker);
        var replay = await s.Run("replay", runId, "--apply", "--run", "--quiet");
        Assert.That(replay.ExitCode, Is.Zero, replay.Stderr);
        Assert.That(replay.Stdout, Does.Contain($"ran {runId}: already in the ledger, loaded nothing"));
        Assert.That(s.Rows, Is.EqualTo(3));
        Assert.That(s.Ledger, Is.EqualTo(1));
        Assert.That(Directory.GetFiles(Path.Combine(s.H.Store, "archive", "people"), runId + ".parquet", SearchOption.AllDirectories), Has.Length.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(s.H.Store, "archive", "_manifests", "people", runId + ".json")), Is.True);
    }

    [Test]
    public async Task Replay_UnknownRunId_SaysSoAndWritesNothing()
    {
        using var s = new Setup();
        var r = await s.Run("replay", "0123456789abcdef", "--apply");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("skip 0123456789abcdef: nothing quarantined under _failed/0123456789abcdef/"));
        Assert.That(Directory.Exists(s.Failed), Is.False);
    }

    [TestCase("replay")]
    [TestCase("replay", "not-a-run-id")]
    [TestCase("replay", "--dataset", "people", "--since", "yesterday")]
    [TestCase("replay", "--dataset", "people", "--run")]
    [TestCase("replay", "0123456789abcdef", "--dataset", "people")]
    public async Task Replay_BadCommandLine_ExitsTwo(params string[] args)
    {
        using var s = new Setup();
        var r = await s.Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
    }

    [Test]
    public async Task Replay_DatasetAndWindow_SelectOnlyQuarantinesInside()
    {
        using var s = new Setup();
        var runId = await s.QuarantineAsync();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var inside = await s.Run("replay", "--dataset", "people", "--since", today, "--until", tomorrow);
        Assert.That(inside.Stdout, Does.Contain(runId));
        var before = await s.Run("replay", "--dataset", "people", "--until", today);
        Assert.That(before.Stdout, Is.Empty);
        Assert.That(before.Stderr, Does.Contain("no quarantined run matches"));
        var other = await s.Run("replay", "--dataset", "orders");
        Assert.That(other.Stdout, Is.Empty);
    }
}
