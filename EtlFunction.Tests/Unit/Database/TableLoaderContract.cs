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

    /// <summary>The SQL that lists <c>orders</c>' column names, one a row, in table order.</summary>
    protected abstract string OrdersColumnsSql { get; }

    /// <summary>
    /// Whether a load that added columns and then failed leaves them behind: MySQL commits DDL at once (before the
    /// load's transaction), SQLite adds them inside the load's transaction.
    /// </summary>
    protected abstract bool FailedLoadKeepsAddedColumns { get; }

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

    /// <summary><see cref="Orders"/> with a new nullable string column <c>note</c> (in the middle) and <c>schema_evolution: add_columns</c>.</summary>
    protected static DatasetContract OrdersWithNote(LoadMode mode) => Contract("orders", mode, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("name", ColumnType.String), Col("note", ColumnType.String),
        Col("amount", ColumnType.Decimal(10, 2))) with { SchemaEvolution = SchemaEvolution.AddColumns };

    private List<string> OrdersColumns() => Query(OrdersColumnsSql).Select(r => (string)r[0]!).ToList();

    [Test]
    public async Task Load_AddColumnsNewNullableColumn_OldRowsReadNullNewRowsTheirValues()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m], [2L, "b", 2.5m]);

        var result = await LoadAsync("r2", OrdersWithNote(LoadMode.Append), [3L, "c", "hello", 3.5m], [4L, "d", null, null]);

        Assert.That(result.RowsLoaded, Is.EqualTo(2));
        Assert.That(result.SchemaChanges.Select(c => (c.Change, c.Table, c.Column, c.Type)), Is.EqualTo(new[] { ("add_column", "orders", "note", "string") }));
        Assert.That(OrdersColumns(), Is.EqualTo(new[] { "id", "name", "amount", "note" }), "the column is appended");
        Assert.That(Query("SELECT id, name, note, amount FROM orders ORDER BY id"), Is.EqualTo(new[]
        {
            new object?[] { 1L, "a", null, Amount(1.5m) }, [2L, "b", null, Amount(2.5m)], [3L, "c", "hello", Amount(3.5m)], [4L, "d", null, null],
        }));
        var again = await LoadAsync("r3", OrdersWithNote(LoadMode.Append), [5L, "e", "x", 5m]);
        Assert.That(again.SchemaChanges, Is.Empty, "the table has the column now");
    }

    [Test]
    public async Task Load_AddColumnsWithUpsertIntoNonEmptyTable_UpdatesTheNewColumnOfExistingKeys()
    {
        await LoadAsync("r1", Orders(LoadMode.Upsert), [1L, "a", 1.5m], [2L, "b", 2.5m]);

        var result = await LoadAsync("r2", OrdersWithNote(LoadMode.Upsert), [2L, "b2", "noted", 2.5m], [3L, "c", null, 3.5m]);

        Assert.That(result.SchemaChanges.Select(c => c.Column), Is.EqualTo(new[] { "note" }));
        Assert.That(Query("SELECT id, name, note, amount FROM orders ORDER BY id"), Is.EqualTo(new[]
        {
            new object?[] { 1L, "a", null, Amount(1.5m) }, [2L, "b2", "noted", Amount(2.5m)], [3L, "c", null, Amount(3.5m)],
        }));
    }

    [Test]
    public async Task Load_NewColumnWithoutEvolution_SchemaMismatchSaysHowAndTableUnchanged()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);

        var e = Assert.ThrowsAsync<EtlException>(() =>
            LoadAsync("r2", OrdersWithNote(LoadMode.Append) with { SchemaEvolution = SchemaEvolution.None }, [2L, "b", "x", 2m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("is missing").And.Contain("note").And.Contain("schema_evolution: add_columns would add it"));
        Assert.That(OrdersColumns(), Is.EqualTo(new[] { "id", "name", "amount" }));
        Assert.That(Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1));
    }

    [Test]
    public async Task Load_AddColumnsWithForbiddenChanges_SchemaMismatchListsEveryDifferenceAndAltersNothing()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);
        // name dropped; amount narrowed and made NOT NULL; code a new key column; qty a new NOT NULL column; note a fine addition
        var evolved = Contract("orders", LoadMode.Append, ["id", "code"],
            Col("id", ColumnType.Int64, nullable: false), Col("amount", ColumnType.Decimal(8, 2), nullable: false),
            Col("code", ColumnType.String, nullable: false), Col("qty", ColumnType.Int32, nullable: false), Col("note", ColumnType.String))
            with { SchemaEvolution = SchemaEvolution.AddColumns };

        var e = Assert.ThrowsAsync<EtlException>(() => LoadAsync("r2", evolved, [2L, 2m, "k", 1, "n"]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        var differences = e.Message.Split("; ").Length;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.Match("column .name. is not in the contract"));
            Assert.That(e.Message, Does.Match(@"column .amount. is [^;]*, contract wants DECIMAL\(8,2\) \(decimal\(8,2\)\)"));
            Assert.That(e.Message, Does.Match("column .amount. is nullable, contract wants NOT NULL"));
            Assert.That(e.Message, Does.Match("column .code. is missing [^;]*a new key column changes the primary key"));
            Assert.That(e.Message, Does.Match("column .qty. is missing [^;]*adds only nullable columns"));
            Assert.That(e.Message, Does.Match(@"primary key is \(.id.\), contract wants \(.id., .code.\)"));
            Assert.That(e.Message, Does.Not.Contain("note"), "the one allowed addition is not a difference");
            Assert.That(differences, Is.EqualTo(6), "six differences, nothing else");
        });
        Assert.That(OrdersColumns(), Is.EqualTo(new[] { "id", "name", "amount" }), "not even the allowed column is added");
        Assert.That(Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1));
        Assert.That(Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'r2'"), Is.Zero);
    }

    [Test]
    public async Task Load_AddColumnsThenRowsFail_NoRowsLoadedAndAddedColumnKeptOnlyWhereDdlCommits()
    {
        await LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);

        var e = Assert.ThrowsAsync<EtlException>(() => LoadAsync("r2", OrdersWithNote(LoadMode.Append), [2L, "b", "x", 2m], [1L, "dup", "y", 9m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(Query("SELECT id, name, amount FROM orders ORDER BY id"), Is.EqualTo(new[] { new object?[] { 1L, "a", Amount(1.5m) } }));
        Assert.That(Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'r2'"), Is.Zero);
        Assert.That(OrdersColumns(), Is.EqualTo(FailedLoadKeepsAddedColumns ? new[] { "id", "name", "amount", "note" } : ["id", "name", "amount"]));
        if (FailedLoadKeepsAddedColumns) Assert.That(Count("SELECT COUNT(*) FROM orders WHERE note IS NULL"), Is.EqualTo(1));

        var retried = await LoadAsync("r2", OrdersWithNote(LoadMode.Append), [2L, "b", "x", 2m]);
        Assert.That(retried.SchemaChanges.Count, Is.EqualTo(FailedLoadKeepsAddedColumns ? 0 : 1));
        Assert.That(Query("SELECT id, note FROM orders ORDER BY id"), Is.EqualTo(new[] { new object?[] { 1L, null }, [2L, "x"] }));
    }
}
