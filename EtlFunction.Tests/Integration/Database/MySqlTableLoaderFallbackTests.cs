using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Integration.Database.MySqlTableLoaderTests;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>A server with <c>local_infile</c> off (the RDS default): the loader falls back to batched INSERTs with the same results.</summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlTableLoaderFallbackTests(string server) : MySqlLoaderFixture(server, localInfile: false)
{
    [SetUp]
    public void ServerHasLocalInfileOff()
    {
        // A precondition of this fixture, not a property of ours: the second test server runs with local_infile off.
        Assert.That(Db.Count("SELECT @@GLOBAL.local_infile"), Is.Zero, "the test server must have local_infile off");
    }

    [Test]
    public async Task Load_EveryType_LoadsIdenticalDataWithBatchedInserts()
    {
        var result = await Db.LoadAsync("r1", AllTypes, AllTypesRows);

        Assert.That(result, Is.EqualTo(new LoadResult("types", 7, false, MySqlTableLoader.BatchedInsertMethod)));
        AssertAllTypes(Db);
        Assert.That(Db.Log, Has.Some.Contains("batched INSERTs"));
    }

    [Test]
    public async Task Load_MoreRowsThanOneBatch_LoadsEveryRowOnce()
    {
        var rows = Enumerable.Range(1, 2_345).Select(i => new object?[] { (long)i, i % 3 == 0 ? null : "n" + i, (long)i }).ToArray();

        var result = await Db.LoadAsync("r1", Orders(LoadMode.Append), rows);

        Assert.That(result.RowsLoaded, Is.EqualTo(2_345));
        Assert.That(Db.Query("SELECT COUNT(*), COUNT(name), CAST(SUM(amount) AS CHAR), COUNT(DISTINCT id) FROM orders").Single(),
            Is.EqualTo(new object?[] { 2_345L, 1_564L, "27506.85", 2_345L }));
    }

    [Test]
    public async Task Load_UpsertAndReplace_WorkAsWithLoadData()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Upsert), [1L, "a", 1.5m], [2L, "b", 2.5m]);
        await Db.LoadAsync("r2", Orders(LoadMode.Upsert), [2L, "b2", null], [3L, "c", 3.5m]);
        var upserted = Db.Query("SELECT id, name, amount FROM orders ORDER BY id");
        await Db.LoadAsync("r3", Orders(LoadMode.Replace), [7L, "only", 7m]);

        Assert.That(upserted, Is.EqualTo(new[] { new object?[] { 1L, "a", 1.5m }, [2L, "b2", null], [3L, "c", 3.5m] }));
        Assert.That(Db.Query("SELECT id, name, amount FROM orders"), Is.EqualTo(new[] { new object?[] { 7L, "only", 7m } }));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(3));
    }

    [Test]
    public async Task Load_AppendDuplicateKeyInALaterBatch_FailsAndRollsBack()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [5_000L, "old", 1m]);
        var rows = Enumerable.Range(1, 5_000).Select(i => new object?[] { (long)i, "n", 1m }).ToArray();

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r2", Orders(LoadMode.Append), rows));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("duplicate primary key (id) = ('5000')"));
        Assert.That(Db.Query("SELECT id, name FROM orders"), Is.EqualTo(new[] { new object?[] { 5_000L, "old" } }));
    }

    [Test]
    public void Load_StringLongerThanItsColumn_IsDataLoss()
    {
        var contract = Contract("t", LoadMode.Append, [], Col("s", ColumnType.String) with { Check = new Condition { MaxLength = 3 } });

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", contract, ["abc"], ["abcd"]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.DataLossError));
        Assert.That(Db.Count("SELECT COUNT(*) FROM t"), Is.Zero);
    }

    [Test]
    public void Load_NullInNotNullColumn_IsInvalidInputNamingTheRow()
    {
        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m], [null, "b", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("NULL in NOT NULL column orders.id").And.Contain("row 2"));
    }
}
