using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>
/// What every <see cref="ITableLoader"/> promises, whatever database is behind it: SQLite runs it in Unit/,
/// MySQL against a real server in Integration/ (as <c>ObjectStoreContract</c> does for the stores). Each test
/// reads the rows and the ledger back; only how a database returns a value differs, and the subclass says how.
/// </summary>
public abstract class TableLoaderContract
{
    protected abstract ITableLoader Loader { get; }

    /// <summary>Loads <paramref name="rows"/> as one run's processed CSV.</summary>
    protected abstract Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows);

    protected abstract List<object?[]> Query(string sql);

    /// <summary>The method the loader reports for an append.</summary>
    protected abstract string AppendMethod { get; }

    /// <summary>The method the loader reports for an upsert into a table that has rows.</summary>
    protected abstract string UpsertMethod { get; }

    /// <summary>What the error names when an append meets key 2 already in <c>orders</c> (row 2 of the file): each part must appear.</summary>
    protected abstract string[] AppendDuplicateKeyMessage { get; }

    /// <summary>A <c>decimal(10,2)</c> value as the database returns it.</summary>
    protected abstract object Amount(decimal value);

    /// <summary>The SQL that reads the ledger's <c>loaded_at</c> as <c>yyyy-MM-dd HH:mm:ss.ffffff</c> text.</summary>
    protected abstract string LoadedAtText { get; }

    protected static DatasetContract Orders(LoadMode mode) => Contract("orders", mode, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("name", ColumnType.String), Col("amount", ColumnType.Decimal(10, 2)));

    private List<object?[]> OrderRows() => Query("SELECT id, name, amount FROM orders ORDER BY id");

    private long Count(string sql) => Convert.ToInt64(Query(sql).Single().Single(), CultureInfo.InvariantCulture);

    [Test]
    public async Task Load_SameRunTwice_LoadsOnce()
    {
        var first = await LoadAsync("run-1", Orders(LoadMode.Append), [1L, "a", 1.5m], [2L, "b", 2.5m]);
        var opened = false;
        var second = await Loader.LoadAsync(new LoadRequest("run-1", Orders(LoadMode.Append), "x"), _ =>
        {
            opened = true;
            return Task.FromResult<Stream>(new MemoryStream(Csv(Orders(LoadMode.Append), [[3L, "c", 1m]])));
        });

        Assert.That(first, Is.EqualTo(new LoadResult("orders", 2, false, AppendMethod)));
        Assert.That(second, Is.EqualTo(new LoadResult("orders", 2, true, AppendMethod)));
        Assert.That(opened, Is.False, "an already-loaded run does not even read its file");
        Assert.That(Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(2));
        Assert.That(Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public async Task Load_Ledger_RecordsTheRun()
    {
        await LoadAsync("run-1", Orders(LoadMode.Upsert), [1L, "a", 1.5m], [2L, "b", null]);

        var ledger = Query($"SELECT run_id, dataset, table_name, source, rows_loaded, load_mode, {LoadedAtText} FROM _etl_ledger");
        Assert.That(ledger.Single(), Is.EqualTo(new object?[] { "run-1", "orders", "orders", "landing/orders/run-1.csv", 2L, "upsert", "2024-05-06 07:08:09.000000" }));
    }

    [Test]
    public async Task Load_Append_AddsToExistingRows()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);
        var result = await LoadAsync("r2", Orders(LoadMode.Append), [2L, "b", 2.5m], [3L, null, null]);

        Assert.That(result.RowsLoaded, Is.EqualTo(2));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", Amount(1.5m) }, [2L, "b", Amount(2.5m)], [3L, null, null] }));
    }

    [Test]
    public async Task Load_AppendKeyAlreadyInTable_FailsNamingTheKeyAndRollsBackEverything()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m], [2L, "b", 2.5m]);

        var e = Assert.ThrowsAsync<EtlException>(() =>
            LoadAsync("r2", Orders(LoadMode.Append), [3L, "c", 3m], [2L, "dup", 9m], [4L, "d", 4m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(AppendDuplicateKeyMessage, Is.Not.Empty);
        foreach (var part in AppendDuplicateKeyMessage) Assert.That(e.Message, Does.Contain(part));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", Amount(1.5m) }, [2L, "b", Amount(2.5m)] }));
        Assert.That(Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'r2'"), Is.Zero);
    }

    [Test]
    public void Load_UpsertWithoutPrimaryKey_IsAContractViolation()
    {
        var e = Assert.ThrowsAsync<EtlException>(() => LoadAsync("r1", Orders(LoadMode.Upsert) with { PrimaryKey = [] }, [1L, "a", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("upsert needs a primary_key"));
    }

    [Test]
    public async Task Load_UpsertIntoNonEmptyTable_UpdatesExistingKeysInPlaceAndInsertsNewOnes()
    {
        await LoadAsync("r1", Orders(LoadMode.Upsert), [1L, "a", 1.5m], [2L, "b", 2.5m]);
        var result = await LoadAsync("r2", Orders(LoadMode.Upsert), [2L, "b2", null], [3L, "c", 3.5m]);

        Assert.That(result, Is.EqualTo(new LoadResult("orders", 2, false, UpsertMethod)));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", Amount(1.5m) }, [2L, "b2", null], [3L, "c", Amount(3.5m)] }));
        Assert.That(Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(2));
    }

    [Test]
    public async Task Load_Replace_ReplacesAllRows()
    {
        await LoadAsync("r1", Orders(LoadMode.Replace), [1L, "a", 1.5m], [2L, "b", 2.5m]);
        await LoadAsync("r2", Orders(LoadMode.Replace), [2L, "new", 9m]);

        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 2L, "new", Amount(9m) } }));
        Assert.That(Query("SELECT run_id, rows_loaded, load_mode FROM _etl_ledger ORDER BY run_id"),
            Is.EqualTo(new[] { new object?[] { "r1", 2L, "replace" }, ["r2", 1L, "replace"] }));
    }
}
