using System.Diagnostics;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using MySqlConnector;
using static EtlFunction.Tests.Integration.Database.MySqlTableLoaderTests;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// What only MySQL's schema evolution has to survive (the shared cases are in <c>TableLoaderContract</c>): its DDL
/// runs outside the load's transaction, so two loads can race to add the same column, and an added column is
/// checked against InnoDB's row-size limit before the table changes.
/// </summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlSchemaEvolutionTests(string server) : MySqlLoaderFixture(server)
{
    private static readonly DatasetContract OrdersWithNote = Contract("orders", LoadMode.Append, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("name", ColumnType.String), Col("note", ColumnType.String),
        Col("amount", ColumnType.Decimal(10, 2))) with { SchemaEvolution = SchemaEvolution.AddColumns };

    [Test]
    public async Task Load_TwoLoadsAddingTheSameColumnAtOnce_BothLoadAndTheColumnIsAddedOnce()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);
        // A reader's open transaction holds the table's metadata lock, so both loads read the old schema and then
        // wait in ALTER TABLE; once it ends, one ALTER adds the column and the other fails with 1060 (duplicate column).
        await using var reader = Db.Open();
        await using var transaction = await reader.BeginTransactionAsync();
        await new MySqlCommand("SELECT COUNT(*) FROM orders", reader, transaction).ExecuteScalarAsync();

        var first = Db.LoadAsync("r2", OrdersWithNote, [2L, "b", "from r2", 2m]);
        var second = Db.LoadAsync("r3", OrdersWithNote, [3L, "c", "from r3", 3m]);
        await WaitForAltersWaitingAsync(2, first, second);
        await transaction.CommitAsync();
        var results = await Task.WhenAll(first, second);

        Assert.That(results.Select(r => r.SchemaChanges.Count).Order(), Is.EqualTo(new[] { 0, 1 }), "one load added the column, the other found it added");
        Assert.That(results.SelectMany(r => r.SchemaChanges).Single().Column, Is.EqualTo("note"));
        Assert.That(Db.Query("SELECT id, name, note, amount FROM orders ORDER BY id"), Is.EqualTo(new[]
        {
            new object?[] { 1L, "a", null, 1.5m }, [2L, "b", "from r2", 2m], [3L, "c", "from r3", 3m],
        }));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(3));
    }

    [Test]
    public async Task Load_AddedColumnCrossingTheRowSizeLimit_SchemaMismatchBeforeAnyWrite()
    {
        static ColumnSpec Wide(string name) => Col(name, ColumnType.String) with { Check = new Condition { MaxLength = 1024 } };
        var wide = Enumerable.Range(1, 15).Select(i => Wide("s" + i)).ToList();
        var v1 = Contract("wide", LoadMode.Append, ["id"], [Col("id", ColumnType.Int64, nullable: false), .. wide]);
        var v2 = v1 with { Columns = [.. v1.Columns, Wide("s16")], SchemaEvolution = SchemaEvolution.AddColumns };
        Assert.That(TargetLimits.MySqlRowBytes(v1), Is.LessThanOrEqualTo(TargetLimits.MySqlMaxRowBytes));
        await Db.LoadAsync("r1", v1, [1L, .. wide.Select(_ => (object?)"x")]);

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r2", v2, [2L, .. v2.Columns.Skip(1).Select(_ => (object?)"y")]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("row size of 65578 bytes, over MySQL's limit of 65535"));
        Assert.That(Db.Count($"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{Db.Database}' AND TABLE_NAME = 'wide'"), Is.EqualTo(16),
            "the column was not added");
        Assert.That(Db.Query("SELECT id, s1 FROM wide"), Is.EqualTo(new[] { new object?[] { 1L, "x" } }));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'r2'"), Is.Zero);
    }

    /// <summary>Waits until <paramref name="count"/> ALTER TABLE statements of this database wait for the metadata lock.</summary>
    private async Task WaitForAltersWaitingAsync(int count, params Task[] loads)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var waiting = Db.Count(
                $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '{Db.Database}' AND INFO LIKE 'ALTER TABLE%' AND STATE LIKE '%metadata lock%'");
            if (waiting >= count) return;
            if (loads.FirstOrDefault(l => l.IsCompleted) is { } done) await done; // surfaces its exception
            if (sw.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"only {waiting} of {count} ALTER TABLE statements reached the metadata lock");
            await Task.Delay(20);
        }
    }
}
