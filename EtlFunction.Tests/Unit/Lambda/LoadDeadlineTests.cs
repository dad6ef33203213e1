using System.Text.Json;
using EtlFunction.Configuration;
using EtlFunction.Lambda;
using EtlFunction.Steps;
using EtlFunction.Storage;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>
/// The load step under the Lambda host with a real deadline header: a load the budget says cannot finish is refused
/// as <c>LoadTooLarge</c> before the database is touched (no table, no ledger row); one that fits loads.
/// </summary>
public class LoadDeadlineTests
{
    [Test]
    public async Task Load_EstimatePassesTheDeadline_LoadTooLargeAndNothingWritten()
    {
        using var h = new HostHarness();
        var state = await PreprocessAsync(h);

        // 1 row/s: the sample's ~550 rows need minutes; the invocation has 60 s.
        var posted = await LoadAsync(h, state, new LoadBudget(1, TimeSpan.FromSeconds(1)));

        Assert.That(posted.ErrorTypeHeader, Is.EqualTo("LoadTooLarge"));
        Assert.That(posted.Json.GetProperty("errorMessage").GetString(), Does.Contain("nothing was loaded").And.Contain(LoadBudget.Variable));
        Assert.That(Tables(h), Is.Empty, "neither the table nor the ledger was created");
    }

    [Test]
    public async Task Load_EstimateWithinTheDeadline_Loads()
    {
        using var h = new HostHarness();
        var state = await PreprocessAsync(h);

        var posted = await LoadAsync(h, state, LoadBudget.Default);

        Assert.That(posted.IsResponse, Is.True, posted.Body);
        var written = JsonSerializer.Deserialize(state, Json.Context.RunState)!.RowsWritten;
        Assert.That(JsonSerializer.Deserialize(posted.Body, Json.Context.RunState)!.RowsLoaded, Is.EqualTo(written));
        Assert.That(Tables(h), Does.Contain("_etl_ledger"));
    }

    private static async Task<string> PreprocessAsync(HostHarness h)
    {
        h.Api.Enqueue(HostHarness.TitanicEvent);
        return (await h.RunAsync("preprocess", 1)).Single().Body;
    }

    private static async Task<Posted> LoadAsync(HostHarness h, string state, LoadBudget budget)
    {
        h.Api.Enqueue(state, new() { ["Lambda-Runtime-Deadline-Ms"] = HostHarness.EpochMs(DateTimeOffset.UtcNow.AddSeconds(60)) });
        var settings = new PipelineSettings(h.Store, StoreKind.Folder, Buckets.Local, Path.Combine(h.Store, "etl.db"), contractsDir: RepoPaths.Contracts)
        {
            LoadBudget = budget,
        };
        return (await h.RunAsync("load", 1, () => settings.CreateContext(h.Log.StepMessage))).Single();
    }

    private static List<string> Tables(HostHarness h)
    {
        var db = Path.Combine(h.Store, "etl.db");
        if (!File.Exists(db)) return [];
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var r = q.ExecuteReader();
        var names = new List<string>();
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }
}
