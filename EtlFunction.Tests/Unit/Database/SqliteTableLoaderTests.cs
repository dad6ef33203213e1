using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using EtlFunction.Tests.Support;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

public sealed class SqliteTableLoaderTests : TableLoaderContract
{
    private SqliteTestDb _db = null!;

    [SetUp]
    public void SetUp() => _db = new SqliteTestDb();

    [TearDown]
    public void TearDown() => _db.Dispose();

    protected override ITableLoader Loader => _db.Loader;
    protected override Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows) => _db.LoadAsync(runId, contract, rows);
    protected override List<object?[]> Query(string sql) => _db.Query(sql);
    protected override string AppendMethod => "prepared-insert";
    protected override string UpsertMethod => "prepared-upsert";
    protected override string[] AppendDuplicateKeyMessage => ["duplicate primary key (id=2)", "row 2", "\"orders\""];
    // NUMERIC affinity: a whole amount comes back as an integer, any other as a double.
    protected override object Amount(decimal value) => value == decimal.Truncate(value) ? (long)value : (double)value;
    protected override string LoadedAtText => "loaded_at";
    protected override string OrdersColumnsSql => "SELECT name FROM pragma_table_info('orders') ORDER BY cid";
    protected override bool FailedLoadKeepsAddedColumns => false;

    private List<object?[]> OrderRows() => _db.Query("SELECT id, name, amount FROM orders ORDER BY id");

    [Test]
    public void Constructor_MissingFolder_IsCreated_AndDescribeNamesThePath()
    {
        Assert.That(Directory.Exists(Path.GetDirectoryName(_db.DatabasePath)), Is.True);
        Assert.That(_db.Loader.Describe(), Is.EqualTo("sqlite:" + _db.DatabasePath));
    }

    [Test]
    public async Task Load_NewTable_CreatesTableFromContract()
    {
        var contract = Contract("t", LoadMode.Append, ["k1", "k2"],
            Col("k1", ColumnType.Int32, nullable: false), Col("k2", ColumnType.String), Col("s", ColumnType.String),
            Col("i", ColumnType.Int64, nullable: false), Col("b", ColumnType.Bool), Col("d1", ColumnType.Decimal(15, 3)),
            Col("d2", ColumnType.Decimal(18, 4)), Col("f", ColumnType.Double), Col("dt", ColumnType.Date), Col("ts", ColumnType.Timestamp));

        await _db.LoadAsync("r1", contract);

        var columns = _db.Query("SELECT name, type, \"notnull\", pk FROM pragma_table_info('t') ORDER BY cid");
        Assert.That(columns.Select(c => $"{c[0]} {c[1]} {c[2]} {c[3]}"), Is.EqualTo(new[]
        {
            "k1 INTEGER 1 1", "k2 TEXT 1 2", "s TEXT 0 0", "i INTEGER 1 0", "b INTEGER 0 0", "d1 DECIMAL(15,3) 0 0",
            "d2 TEXT 0 0", "f REAL 0 0", "dt DATE 0 0", "ts TIMESTAMP 0 0",
        }));
    }

    [Test]
    public async Task Load_EveryType_RoundTripsIncludingNullsAndEmptyStrings()
    {
        var contract = Contract("types", LoadMode.Append, [],
            Col("s", ColumnType.String), Col("i32", ColumnType.Int32), Col("i64", ColumnType.Int64), Col("b", ColumnType.Bool),
            Col("dec", ColumnType.Decimal(15, 2)), Col("wide", ColumnType.Decimal(18, 3)), Col("f", ColumnType.Double),
            Col("dt", ColumnType.Date), Col("ts", ColumnType.Timestamp));
        var maxDecimal = 99999999999999999L; // 17 digits at scale 3 in decimal(18,3)
        await _db.LoadAsync("r1", contract,
            ["plain", 1, long.MaxValue, true, 12.34m, 1234L, 0.1 + 0.2, new DateOnly(2024, 2, 29), Micros.Utc(Micros.Of(2024, 2, 29, 13, 14, 15, 123456))],
            ["", int.MinValue, long.MinValue, false, -0.05m, -maxDecimal, -1e300, new DateOnly(1, 1, 1), Micros.Utc(-1)],
            ["a,\"b\"\nc \u00e9\u2713", 0, 0L, true, 9999999999999.99m, 0L, 5e-324, new DateOnly(9999, 12, 31), Micros.Utc(0)],
            [null, null, null, null, null, null, null, null, null],
            ["x", 7, 7L, false, 100.00m, 5000L, 3.0, new DateOnly(1970, 1, 1), Micros.Utc(Micros.Of(2000, 1, 1, 0, 0, 0, 0))]);

        var rows = _db.Query("SELECT s, i32, i64, b, dec, typeof(dec), iif(dec IS NULL, NULL, printf('%.2f', dec)), wide, typeof(wide), f, dt, ts FROM types ORDER BY rowid");
        Assert.That(rows[0], Is.EqualTo(new object?[] { "plain", 1L, long.MaxValue, 1L, 12.34, "real", "12.34", "1.234", "text", 0.1 + 0.2, "2024-02-29", "2024-02-29 13:14:15.123456" }));
        Assert.That(rows[1], Is.EqualTo(new object?[] { "", (long)int.MinValue, long.MinValue, 0L, -0.05, "real", "-0.05", "-99999999999999.999", "text", -1e300, "0001-01-01", "1969-12-31 23:59:59.999999" }));
        Assert.That(rows[2], Is.EqualTo(new object?[] { "a,\"b\"\nc \u00e9\u2713", 0L, 0L, 1L, 9999999999999.99, "real", "9999999999999.99", "0.000", "text", 5e-324, "9999-12-31", "1970-01-01 00:00:00.000000" }));
        Assert.That(rows[3], Is.EqualTo(new object?[] { null, null, null, null, null, "null", null, null, "null", null, null, null }));
        // NUMERIC affinity stores a whole decimal as INTEGER; its value is still exact.
        Assert.That(rows[4], Is.EqualTo(new object?[] { "x", 7L, 7L, 0L, 100L, "integer", "100.00", "5.000", "text", 3.0, "1970-01-01", "2000-01-01 00:00:00.000000" }));
        Assert.That(_db.Scalar("SELECT count(*) FROM types WHERE s = ''"), Is.EqualTo(1L), "an empty string is not NULL");
    }

    [TestCase(15, 0)]
    [TestCase(15, 2)]
    [TestCase(15, 7)]
    [TestCase(15, 15)]
    [TestCase(9, 4)]
    public async Task Load_DecimalUpTo15Digits_ComesBackExactlyAt15SignificantDigits(int precision, int scale)
    {
        var contract = Contract("money", LoadMode.Append, [], Col("v", ColumnType.Decimal(precision, scale)));
        var random = new Random(precision * 100 + scale);
        var max = (long)Math.Pow(10, precision) - 1;
        var unscaled = Enumerable.Range(0, 2000).Select(i => i < 2 ? (i == 0 ? max : -max) : random.NextInt64(-max, max + 1)).ToList();
        await _db.LoadAsync("r1", contract, unscaled.Select(u => new object?[] { u }).ToArray());

        var back = _db.Query("SELECT v FROM money ORDER BY rowid").Select(r => Convert.ToDouble(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var exact = unscaled.Select(u => decimal.Parse(SqliteValues.DecimalToText(u, scale), System.Globalization.CultureInfo.InvariantCulture));
        var roundTripped = back.Select(d => decimal.Parse(d.ToString("G15", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(roundTripped, Is.EqualTo(exact));
    }


    [Test]
    public async Task Load_SameRunConcurrently_LoadsOnce()
    {
        var rows = Enumerable.Range(1, 20_000).Select(i => new object?[] { (long)i, "n", 1m }).ToArray();
        var other = new SqliteTableLoader(_db.DatabasePath);

        var results = await Task.WhenAll(
            Task.Run(() => _db.LoadAsync("same", Orders(LoadMode.Append), rows)),
            Task.Run(() => other.LoadAsync(new LoadRequest("same", Orders(LoadMode.Append), "x"),
                _ => Task.FromResult<Stream>(new MemoryStream(Csv(Orders(LoadMode.Append), rows))))));

        Assert.That(results.Count(r => r.AlreadyLoaded), Is.EqualTo(1));
        Assert.That(results.Select(r => r.RowsLoaded), Is.All.EqualTo(20_000));
        Assert.That(_db.Scalar("SELECT count(*) FROM orders"), Is.EqualTo(20_000L));
    }



    [Test]
    public void Load_ReplaceWithCompositeTextKeyRepeatedInFile_NamesTheWholeKey()
    {
        var contract = Contract("prices", LoadMode.Replace, ["region", "day"],
            Col("region", ColumnType.String, nullable: false), Col("day", ColumnType.Date, nullable: false), Col("price", ColumnType.Double));

        var e = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", contract,
            ["eu", new DateOnly(2024, 1, 1), 1.0], ["it's", new DateOnly(2024, 1, 1), 2.0], ["it's", new DateOnly(2024, 1, 1), 3.0]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("duplicate primary key (region='it''s', day='2024-01-01')")
            .And.Contain("row 3").And.Contain("more than once in this file").And.Contain("UNIQUE constraint failed: prices.region, prices.day"));
    }

    [Test]
    public async Task Load_FailedRun_CanBeRetriedAfterTheFix()
    {
        await _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);
        Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r2", Orders(LoadMode.Append), [1L, "dup", 9m]));

        var retry = await _db.LoadAsync("r2", Orders(LoadMode.Append), [2L, "fixed", 9m]);

        Assert.That(retry.AlreadyLoaded, Is.False);
        Assert.That(_db.Scalar("SELECT count(*) FROM orders"), Is.EqualTo(2L));
    }

    [Test]
    public async Task Load_UpsertWhenEveryColumnIsKey_KeepsExistingRows()
    {
        var contract = Contract("tags", LoadMode.Upsert, ["tag"], Col("tag", ColumnType.String, nullable: false));
        await _db.LoadAsync("r1", contract, ["a"], ["b"]);
        var result = await _db.LoadAsync("r2", contract, ["b"], ["c"]);

        Assert.That(result.RowsLoaded, Is.EqualTo(1), "only the new key changed the table");
        Assert.That(_db.Query("SELECT tag FROM tags ORDER BY tag").Select(r => r[0]), Is.EqualTo(new[] { "a", "b", "c" }));
    }



    [Test]
    public async Task Load_ReplaceWithNullInNotNullColumnInMiddle_KeepsTheOldRows()
    {
        await _db.LoadAsync("r1", Orders(LoadMode.Replace), [1L, "a", 1.5m]);

        var e = Assert.ThrowsAsync<EtlException>(() =>
            _db.LoadAsync("r2", Orders(LoadMode.Replace), [5L, "x", 1m], [null, "bad", 2m], [6L, "y", 3m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("NOT NULL").And.Contain("row 2").And.Contain("orders.id"));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", 1.5 } }));
        Assert.That(_db.Scalar("SELECT count(*) FROM _etl_ledger"), Is.EqualTo(1L));
    }

    [Test]
    public void Load_FirstRunFailing_LeavesNoTableAndNoLedgerRow()
    {
        Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m], [1L, "b", 2m]));

        Assert.That(_db.Scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('orders', '_etl_ledger')"), Is.EqualTo(0L));
    }

    [Test]
    public async Task Load_MalformedProcessedCsv_IsInvalidInputAndRollsBack()
    {
        await _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        var bytes = "id,name,amount\n2,b,2.00\n3,c,not-a-number\n"u8.ToArray();

        var e = Assert.ThrowsAsync<EtlException>(() => _db.Loader.LoadAsync(new LoadRequest("r2", Orders(LoadMode.Append), "x"),
            _ => Task.FromResult<Stream>(new MemoryStream(bytes))));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(_db.Scalar("SELECT count(*) FROM orders"), Is.EqualTo(1L));
    }

    [Test]
    public async Task Load_ExistingTableMatchingTheContract_IsUsedAsIs()
    {
        _db.Execute("CREATE TABLE Orders (Name text, ID integer not null, Amount decimal(10, 2), primary key (id))");

        var result = await _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);

        Assert.That(result.RowsLoaded, Is.EqualTo(1));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", 1.5 } }), "columns are matched by name, not position");
    }

    [Test]
    public void Load_ExistingTableDiffers_SchemaMismatchNamesEveryDifference()
    {
        _db.Execute("CREATE TABLE orders (id TEXT, amount DECIMAL(10,2) NOT NULL, extra INTEGER, PRIMARY KEY (amount))");
        _db.Execute("INSERT INTO orders VALUES ('x', 1, 2)");

        var e = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", Orders(LoadMode.Replace), [1L, "a", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("column \"id\" is TEXT, contract wants INTEGER (int64)")
            .And.Contain("column \"id\" is nullable, contract wants NOT NULL")
            .And.Contain("column \"name\" is missing")
            .And.Contain("column \"amount\" is NOT NULL, contract wants nullable")
            .And.Contain("column \"extra\" is not in the contract")
            .And.Contain("primary key is (\"amount\"), contract wants (\"id\")"));
        Assert.That(_db.Scalar("SELECT count(*) FROM orders"), Is.EqualTo(1L), "replace mode never touched the user's table");
        Assert.That(_db.Scalar("SELECT count(*) FROM pragma_table_info('orders')"), Is.EqualTo(3L));
    }

    [Test]
    public void Load_ExistingViewWithTheTableName_IsASchemaMismatch()
    {
        _db.Execute("CREATE VIEW orders AS SELECT 1 AS id, 'a' AS name, 1.0 AS amount");

        var e = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("is a view"));
    }

    [Test]
    public async Task Load_ReservedWordIdentifiers_AreQuoted()
    {
        var contract = Contract("order", LoadMode.Upsert, ["select"],
            Col("select", ColumnType.Int64, nullable: false), Col("from", ColumnType.String), Col("where", ColumnType.Date), Col("null", ColumnType.Bool));
        await _db.LoadAsync("r1", contract, [1L, "it's", new DateOnly(2024, 1, 2), true]);
        await _db.LoadAsync("r2", contract, [1L, "x\"); DROP TABLE \"order\"; --", null, false]);

        Assert.That(_db.Query("SELECT \"select\", \"from\", \"where\", \"null\" FROM \"order\"").Single(),
            Is.EqualTo(new object?[] { 1L, "x\"); DROP TABLE \"order\"; --", null, 0L }));
    }

    [Test]
    public void Quote_DoublesEmbeddedQuotes()
    {
        Assert.That(SqliteSchema.Quote("a\"b"), Is.EqualTo("\"a\"\"b\""));
    }

    [Test]
    public void Load_Cancelled_RollsBack()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var bytes = Csv(Orders(LoadMode.Append), [[1L, "a", 1m]]);

        Assert.CatchAsync<OperationCanceledException>(() => _db.Loader.LoadAsync(new LoadRequest("r1", Orders(LoadMode.Append), "x"),
            _ => Task.FromResult<Stream>(new MemoryStream(bytes)), cts.Token));
        Assert.That(_db.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'orders'"), Is.EqualTo(0L));
    }
}
