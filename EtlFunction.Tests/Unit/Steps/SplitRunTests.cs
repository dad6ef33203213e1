using System.Text;
using System.Text.Json;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Parquet;
using EtlFunction.Steps;
using EtlFunction.Storage;
using EtlFunction.Tests.Unit.Split;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>
/// The Distributed Map path, step by step on the folder store (plan → one <c>piece</c> per range →
/// <c>merge</c> → load of the streamed parts ∥ one <c>archive</c> per part → finalize), against the single
/// path on the same object: same table, same counts, same rejects file, same Parquet rows.
/// </summary>
public class SplitRunTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("etl-split-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private sealed record Outcome(RunState State, List<string> Table, string Rejects, List<string> Parquet, PlanResult? Plan);

    private StepContext Context(string name, string dedupe, string text)
    {
        var root = Path.Combine(_dir, name);
        var contracts = Path.Combine(root, "contracts");
        Directory.CreateDirectory(contracts);
        File.WriteAllText(Path.Combine(contracts, "people.yaml"), Cleaning.CleanHarness.People.Replace("keep_last", dedupe, StringComparison.Ordinal));
        var store = new FolderObjectStore(Path.Combine(root, "store"));
        var landing = Path.Combine(root, "store", "landing", "people");
        Directory.CreateDirectory(landing);
        File.WriteAllText(Path.Combine(landing, "p.csv"), text);
        var db = Path.Combine(root, "etl.db");
        return new StepContext
        {
            Store = store,
            Buckets = Buckets.Local,
            Contracts = new FolderContractSource([contracts]),
            Loader = () => new SqliteTableLoader(db),
        };
    }

    private static async Task<Outcome> Single(StepContext ctx)
    {
        var pre = await PreprocessStep.RunAsync(ctx, new PreprocessInput("landing", "people/p.csv"));
        var load = await LoadStep.RunAsync(ctx, pre);
        var archive = await ArchiveStep.RunAsync(ctx, pre);
        var final = await FinalizeStep.RunAsync(ctx, LocalPipeline.Merge(load, archive));
        return await OutcomeOf(ctx, final, null);
    }

    private static async Task<Outcome> Split(StepContext ctx, long chunk)
    {
        var plan = await PlanStep.RunAsync(ctx, new PlanInput("landing", "people/p.csv", null, chunk, SplitThreshold: 0));
        Assert.That(plan.Split, Is.True);
        var run = plan.Run!;
        // The map runs items in any order: last piece first.
        foreach (var piece in plan.Pieces.Reverse()) await PieceStep.RunAsync(ctx, new PieceInput(run, piece));
        var merged = await MergeStep.RunAsync(ctx, run);
        var load = await LoadStep.RunAsync(ctx, merged);
        for (var i = merged.PartCount!.Value - 1; i >= 0; i--) await ArchiveStep.RunAsync(ctx, merged, i);
        var state = StepEvents.ParseState($"[{JsonSerializer.Serialize(load, Json.Context.RunState)},{JsonSerializer.Serialize(merged, Json.Context.RunState)}]");
        var final = await FinalizeStep.RunAsync(ctx, state);
        return await OutcomeOf(ctx, final, plan);
    }

    private static async Task<Outcome> OutcomeOf(StepContext ctx, RunState final, PlanResult? plan)
    {
        var table = new List<string>();
        var path = ((SqliteTableLoader)ctx.Loader!()).DatabasePath;
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, name, score FROM people ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) table.Add($"{r.GetValue(0)}|{r.GetValue(1)}|{r.GetValue(2)}");
        }
        var rejects = await ctx.Store.GetTextAsync(final.Rejects!.Bucket, final.Rejects.Key);
        var parquet = new List<string>();
        var manifest = JsonDocument.Parse(await ctx.Store.GetTextAsync(final.Manifest!.Bucket, final.Manifest.Key));
        foreach (var a in manifest.RootElement.GetProperty("run").GetProperty("archive").EnumerateArray())
        {
            var folder = (FolderObjectStore)ctx.Store;
            var back = ParquetReadBack.ReadFile(folder.PathOf(a.GetProperty("bucket").GetString()!, a.GetProperty("key").GetString()!));
            Assert.That(back.RowCount, Is.EqualTo(a.GetProperty("rows").GetInt64()));
            for (var i = 0; i < back.RowCount; i++) parquet.Add($"{back.Values("id")[i]}|{back.Values("name")[i]}|{back.Values("score")[i]}");
        }
        parquet.Sort(StringComparer.Ordinal);
        return new Outcome(final, table, rejects, parquet, plan);
    }

    [TestCase("keep_last")]
    [TestCase("keep_first")]
    [TestCase("reject")]
    public async Task SplitRun_QuotedNewlinesStraddleEveryBoundary_SameTableCountsRejectsAndParquet(string dedupe)
    {
        var text = PlanFiles.Straddling(120);
        var single = await Single(Context("single", dedupe, text));
        var split = await Split(Context("split", dedupe, text), chunk: 1);

        Assert.That(split.Plan!.Pieces, Has.Count.GreaterThan(20), "one piece per record: every cut lands inside a quoted field");
        var (a, b) = (split.State, single.State);
        Assert.Multiple(() =>
        {
            Assert.That(a.RunId, Is.EqualTo(b.RunId));
            Assert.That(a.RowsRead, Is.EqualTo(b.RowsRead), "read");
            Assert.That(a.RowsWritten, Is.EqualTo(b.RowsWritten), "written");
            Assert.That(a.RowsRejected, Is.EqualTo(b.RowsRejected), "rejected");
            Assert.That(a.RowsDeduplicated, Is.EqualTo(b.RowsDeduplicated), "deduplicated");
            Assert.That(a.RowsFiltered, Is.EqualTo(b.RowsFiltered), "filtered");
            Assert.That(a.RowsLoaded, Is.EqualTo(b.RowsLoaded), "loaded");
            Assert.That(a.RowsArchived, Is.EqualTo(b.RowsArchived), "archived");
            Assert.That(a.RejectsByColumn, Is.EquivalentTo(b.RejectsByColumn!), "rejects by column");
            Assert.That(split.Table, Is.EqualTo(single.Table), "table");
            Assert.That(split.Rejects, Is.EqualTo(single.Rejects), "rejects file");
            Assert.That(split.Parquet, Is.EqualTo(single.Parquet), "Parquet rows");
        });
        Assert.That(b.RowsWritten, Is.GreaterThan(0));
        Assert.That(b.RowsDeduplicated + (b.RejectsByColumn!.GetValueOrDefault("(duplicate key)")), Is.GreaterThan(0), "the file has duplicates across pieces");
    }

    [Test]
    public async Task Plan_BelowThreshold_SaysSinglePathWithoutReading()
    {
        var ctx = Context("small", "keep_last", PlanFiles.Straddling(10));
        var plan = await PlanStep.RunAsync(ctx, new PlanInput("landing", "people/p.csv", null, 1, SplitThreshold: 1 << 20));
        Assert.That(plan.Split, Is.False);
        Assert.That(plan.Pieces, Is.Empty);
        Assert.That(plan.Run, Is.Null);
    }

    [Test]
    public async Task Piece_SourceChangedSincePlan_IsInvalidInput()
    {
        var ctx = Context("changed", "keep_last", PlanFiles.Straddling(40));
        var plan = await PlanStep.RunAsync(ctx, new PlanInput("landing", "people/p.csv", null, 64, SplitThreshold: 0));
        var path = ((FolderObjectStore)ctx.Store).PathOf("landing", "people/p.csv");
        File.WriteAllText(path, PlanFiles.Straddling(41), Encoding.UTF8);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var e = Assert.ThrowsAsync<EtlFunction.Errors.EtlException>(() => PieceStep.RunAsync(ctx, new PieceInput(plan.Run!, plan.Pieces[0])));
        Assert.That(e!.Type, Is.EqualTo(EtlFunction.Errors.ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("changed since it was planned"));
    }

    [Test]
    public async Task RerunOnTheOtherPath_SameRun_LeavesOnlyThatAttemptsParquet()
    {
        var ctx = Context("rerun", "keep_last", PlanFiles.Straddling(60));
        var split = await Split(ctx, chunk: 300);
        var store = (FolderObjectStore)ctx.Store;
        string[] ParquetFiles() => Directory.GetFiles(store.PathOf("archive", "people"), "*.parquet", SearchOption.AllDirectories);
        Assert.That(ParquetFiles(), Has.Length.EqualTo(split.State.PartCount), "one Parquet file per part");

        var single = await Single(ctx);

        Assert.That(single.State.RunId, Is.EqualTo(split.State.RunId));
        Assert.That(single.State.AlreadyLoaded, Is.True, "the ledger has the run");
        var files = ParquetFiles();
        Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[] { single.State.RunId + ".parquet" }), "the split attempt's other parts are gone");
        Assert.That(ParquetReadBack.ReadFile(files[0]).RowCount, Is.EqualTo(single.State.RowsWritten));
        Assert.That(single.Parquet, Is.EqualTo(split.Parquet));
    }
}
