using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EtlFunction.Tests.Integration.Faults;

/// <summary>
/// A randomized fault campaign on the whole state machine: statemachine/etl.asl.json under aws-local-stepfunctions,
/// every Task in the published binary under a real Runtime API, its S3 traffic (to s3rver) and MySQL traffic (to
/// MariaDB) through <see cref="FaultProxy"/>. Each trial injects one fault — a reset or clean close at a random
/// byte of the S3 or MySQL traffic, a stall of up to 3 s there, or a SIGKILL of a step's process mid-call — and
/// then checks what the run left against a clean run of the same file: the same table, one ledger row, the same
/// objects (no partial Parquet, no stray processed object), no quarantine (the input is good), and every failure
/// on the way a retried, typed error. Seeded: <c>ETL_FAULT_SEED</c> (default 20261205) and
/// <c>ETL_FAULT_TRIALS</c> (default 10, the CI budget) replay a campaign exactly; a violation names its trial.
/// <c>ETL_FAULT_KINDS</c> (comma-separated, of <see cref="FaultTrial.Kinds"/>) narrows the draw to some kinds.
/// </summary>
[NonParallelizable]
[Category("FaultCampaign")]
public sealed class FaultCampaignTests
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    [Test]
    public async Task RandomFaults_LeaveTheCleanRunsTable_OneLedgerRow_NoPartialObjects_AndNoQuarantine()
    {
        var trials = Setting("ETL_FAULT_TRIALS", 10);
        var seed = Setting("ETL_FAULT_SEED", 20261205);
        var kinds = Environment.GetEnvironmentVariable("ETL_FAULT_KINDS") is { Length: > 0 } k ? k.Split(',', StringSplitOptions.TrimEntries) : FaultTrial.Kinds;
        Assert.That(FaultTrial.Kinds, Is.SupersetOf(kinds), "ETL_FAULT_KINDS");
        var clock = Stopwatch.StartNew();

        var clean = await RunSnapshot.TakeAsync(null);
        Assert.That(clean.Run.Status, Is.EqualTo("SUCCEEDED"), clean.Run.ToString());
        Assert.That(clean.Failures, Is.Empty, "the clean run needs no retry");
        Assert.That(clean.Table, Is.Not.Empty);
        Assert.That(clean.LedgerRows, Is.EqualTo(1));
        Assert.That(clean.ParquetRows, Is.EqualTo(clean.Table.Count));
        Assert.That(clean.S3Bytes, Is.Positive, "the binary's S3 traffic goes through the proxy");
        Assert.That(clean.MySqlBytes, Is.Positive, "the binary's MySQL traffic goes through the proxy");
        Assert.That(clean.Violations(clean), Is.Empty, "the invariants hold for the clean run itself");
        TestContext.Progress.WriteLine($"  fault campaign: seed {seed}, {trials} trials; clean run: {clean.Table.Count} rows, S3 {clean.S3Bytes:N0} B, MySQL {clean.MySqlBytes:N0} B through the proxies");

        var results = new List<(FaultTrial Trial, RunSnapshot Snapshot, List<string> Violations)>();
        for (var i = 1; i <= trials; i++)
        {
            var trial = FaultTrial.Draw(seed, i, clean.S3Bytes, clean.MySqlBytes, clean.CallMs, kinds);
            var snapshot = await RunSnapshot.TakeAsync(trial);
            var violations = snapshot.Violations(clean).ToList();
            var fired = trial.KillState is null ? snapshot.Fired is not null : snapshot.Killed;
            var failures = string.Join(", ", snapshot.Failures.Select(f => $"{f.State}:{f.Error}"));
            TestContext.Progress.WriteLine($"  {trial}: {(fired ? "fired" : "did not fire")}; {snapshot.Run.Status}; failures [{failures}]{(violations.Count == 0 ? "" : "; VIOLATIONS: " + string.Join("; ", violations))}");
            results.Add((trial, snapshot, violations));
        }

        var report = Report(seed, results, clock.Elapsed);
        TestContext.Progress.WriteLine(report);
        var outDir = Path.Combine(RepoPaths.Root, "artifacts", "fault-campaign");
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, $"seed-{seed}-trials-{trials}.md"), report);

        var all = results.SelectMany(r => r.Violations.Select(v => $"{r.Trial}: {v}")).ToList();
        Assert.That(all, Is.Empty, report);
        Assert.That(results.Count(r => r.Trial.KillState is null ? r.Snapshot.Fired is not null : r.Snapshot.Killed), Is.Positive, "at least one fault fired");
    }

    /// <summary>
    /// The bug the campaign found first: a Lambda whose process dies mid-call (SIGKILL, out of memory) fails with
    /// Runtime.ExitError, which no Retrier matched, so the Catch quarantined a good file. Every Task now retries it.
    /// </summary>
    [Test]
    public async Task KillMidArchive_IsRetried_AndTheGoodFileIsNotQuarantined()
    {
        var clean = await RunSnapshot.TakeAsync(null);
        var trial = new FaultTrial(0, "kill", null, null, "Archive", 100);

        var killed = await RunSnapshot.TakeAsync(trial);

        Assert.That(killed.Killed, Is.True, "the Archive process was killed mid-call");
        Assert.That(killed.Failures, Is.EqualTo(new[] { ("Archive", "Runtime.ExitError") }), killed.Run.ToString());
        Assert.That(killed.Run.RetriedStates, Is.EqualTo(new[] { "Archive" }));
        Assert.That(killed.Run.Invocations("Archive"), Is.EqualTo(2));
        Assert.That(killed.Violations(clean), Is.Empty);
    }

    private static string Report(int seed, List<(FaultTrial Trial, RunSnapshot Snapshot, List<string> Violations)> results, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault campaign, seed {seed}: {results.Count} trials in {elapsed.TotalSeconds:F0} s, {results.Sum(r => r.Violations.Count)} violations");
        text.AppendLine("| fault | trials | fired | succeeded, no retry | succeeded after a retry | failed | violations |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var kind in FaultTrial.Kinds)
        {
            var of = results.Where(r => r.Trial.Kind == kind).ToList();
            var fired = of.Count(r => r.Trial.KillState is null ? r.Snapshot.Fired is not null : r.Snapshot.Killed);
            var ok = of.Where(r => r.Snapshot.Run.Status == "SUCCEEDED").ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind} | {of.Count} | {fired} | {ok.Count(r => r.Snapshot.Failures.Count == 0)} | {ok.Count(r => r.Snapshot.Failures.Count > 0)} | {of.Count - ok.Count} | {of.Sum(r => r.Violations.Count)} |");
        }
        var errors = results.SelectMany(r => r.Snapshot.Failures).GroupBy(f => f.Error).Select(g => $"{g.Key} ×{g.Count()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Errors seen on the way (each retried): {string.Join(", ", errors)}");
        return text.ToString();
    }
}
