using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using EtlFunction.Tests.Support;
using EtlFunction.Tests.Unit.Database;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>The MySQL loader against a real server with local_infile on (each of <see cref="MySqlServers"/>): types, modes, ledger. Every test has its own database.</summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlTableLoaderTests(string server) : TableLoaderContract
{
    private MySqlTestDb _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await MySqlTestDb.CreateAsync(server);

    [TearDown]
    public void TearDown() => _db?.Dispose();

    /// <summary>The contract's orders table, for the other MySQL fixtures (<c>using static</c> imports only members declared here).</summary>
    internal static new DatasetContract Orders(LoadMode mode) => TableLoaderContract.Orders(mode);

    protected override ITableLoader Loader => _db.Loader;
    protected override Task<LoadResult> LoadAsync(string runId, DatasetContract contract, params object?[][] rows) => _db.LoadAsync(runId, contract, rows);
    protected override List<object?[]> Query(string sql) => _db.Query(sql);
    protected override string AppendMethod => MySqlTableLoader.LoadDataMethod;
    protected override string UpsertMethod => MySqlTableLoader.LoadDataMethod;
    protected override string[] AppendDuplicateKeyMessage => ["duplicate primary key (id) = ('2')", "`orders`", "append mode never overwrites"];
    protected override object Amount(decimal value) => value;
    protected override string LoadedAtText => "CAST(loaded_at AS CHAR)";
    protected override string OrdersColumnsSql =>
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' ORDER BY ORDINAL_POSITION";
    protected override bool FailedLoadKeepsAddedColumns => true;

    private List<object?[]> OrderRows() => _db.Query("SELECT id, name, amount FROM orders ORDER BY id");

    internal static readonly DatasetContract AllTypes = Contract("types", LoadMode.Append, ["k"],
        Col("k", ColumnType.Int32, nullable: false), Col("s", ColumnType.String), Col("i64", ColumnType.Int64), Col("b", ColumnType.Bool),
        Col("dec", ColumnType.Decimal(18, 4)), Col("f", ColumnType.Double), Col("dt", ColumnType.Date), Col("ts", ColumnType.Timestamp));

    internal static readonly object?[][] AllTypesRows =
    [
        [1, "plain", long.MaxValue, true, 99999999999999.9999m, 0.1 + 0.2, new DateOnly(2024, 2, 29), Micros.Utc(Micros.Of(2024, 2, 29, 13, 14, 15, 123456))],
        [2, "", long.MinValue, false, -99999999999999.9999m, -1e300, new DateOnly(1, 1, 1), Micros.Utc(Micros.Of(1, 1, 1, 0, 0, 0, 1))],
        [3, "a,\"b\"\nc\r\td\\e\0f \u00e9\u2713\U0001F600", 0L, true, 0.0001m, 1e21, new DateOnly(9999, 12, 31), Micros.Utc(Micros.Of(9999, 12, 31, 23, 59, 59, 999999))],
        [4, null, null, null, null, null, null, null],
        [5, "NULL", 7L, false, 12.5m, 2.2250738585072014E-308, new DateOnly(1970, 1, 1), Micros.Utc(0)],
        [6, "\\N", -1L, true, -0.5m, -0.0, new DateOnly(2000, 1, 1), Micros.Utc(Micros.Of(2038, 1, 19, 3, 14, 8, 0))],
        [7, " lead and trail ", 1L, null, 1m, 123.456, null, Micros.Utc(Micros.Of(2024, 1, 1, 0, 0, 0, 500000))],
    ];

    /// <summary>Reads <see cref="AllTypes"/> back with every value as text the server formats, so nothing is converted on the way.</summary>
    internal static List<object?[]> AllTypesBack(MySqlTestDb db) => db.Query(
        "SELECT k, s, HEX(s), i64, b, CAST(`dec` AS CHAR), f, CAST(dt AS CHAR), CAST(ts AS CHAR) FROM types ORDER BY k");

    internal static void AssertAllTypes(MySqlTestDb db)
    {
        var rows = AllTypesBack(db);
        Assert.That(rows, Has.Count.EqualTo(7));
        Assert.That(rows[0][1..], Is.EqualTo(new object?[] { "plain", "706C61696E", long.MaxValue, true, "99999999999999.9999", 0.1 + 0.2, "2024-02-29", "2024-02-29 13:14:15.123456" }));
        Assert.That(rows[1][1..], Is.EqualTo(new object?[] { "", "", long.MinValue, false, "-99999999999999.9999", -1e300, "0001-01-01", "0001-01-01 00:00:00.000001" }));
        Assert.That(rows[2][1], Is.EqualTo("a,\"b\"\nc\r\td\\e\0f \u00e9\u2713\U0001F600"), "quotes, comma, LF, CR, tab, backslash, NUL, 2-, 3- and 4-byte UTF-8");
        Assert.That(rows[2][3..], Is.EqualTo(new object?[] { 0L, true, "0.0001", 1e21, "9999-12-31", "9999-12-31 23:59:59.999999" }));
        Assert.That(rows[3][1..], Is.All.Null);
        Assert.That(rows[4][1..], Is.EqualTo(new object?[] { "NULL", "4E554C4C", 7L, false, "12.5000", 2.2250738585072014E-308, "1970-01-01", "1970-01-01 00:00:00.000000" }));
        Assert.That(rows[5][1..], Is.EqualTo(new object?[] { "\\N", "5C4E", -1L, true, "-0.5000", -0.0, "2000-01-01", "2038-01-19 03:14:08.000000" }));
        Assert.That(rows[6][1..], Is.EqualTo(new object?[] { " lead and trail ", "206C65616420616E6420747261696C20", 1L, null, "1.0000", 123.456, null, "2024-01-01 00:00:00.500000" }));
        Assert.That(db.Count("SELECT COUNT(*) FROM types WHERE s IS NULL"), Is.EqualTo(1), "NULL only where the file had NULL");
        Assert.That(db.Count("SELECT COUNT(*) FROM types WHERE s = ''"), Is.EqualTo(1), "the empty string is not NULL");
        Assert.That(db.Count("SELECT COUNT(*) FROM types WHERE i64 IS NULL OR b IS NULL OR `dec` IS NULL OR dt IS NULL"), Is.EqualTo(2));
        Assert.That(db.Scalar("SELECT CAST(SUM(`dec`) AS CHAR) FROM types"), Is.EqualTo("13.0001"));
    }

    [Test]
    public async Task Load_EveryType_RoundTripsExactlyIncludingNullsAndEmptyStrings()
    {
        var result = await _db.LoadAsync("r1", AllTypes, AllTypesRows);

        Assert.That(result, Is.EqualTo(new LoadResult("types", 7, false, MySqlTableLoader.LoadDataMethod)));
        AssertAllTypes(_db);
    }

    [Test]
    public async Task Load_NewTable_CreatesTableFromContract()
    {
        var contract = AllTypes with
        {
            PrimaryKey = ["k", "code"],
            Columns = [.. AllTypes.Columns, Col("code", ColumnType.String, nullable: false), Col("short", ColumnType.String) with { Check = new Condition { MaxLength = 20 } }],
        };

        await _db.LoadAsync("r1", contract);

        // MariaDB shows display widths (int(11)); MySQL 8 does not (int).
        var columns = _db.Query(
            "SELECT COLUMN_NAME, REPLACE(REPLACE(COLUMN_TYPE, 'int(11)', 'int'), 'bigint(20)', 'bigint'), IS_NULLABLE, IFNULL(COLLATION_NAME, '-'), COLUMN_KEY " +
            $"FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{_db.Database}' AND TABLE_NAME = 'types' ORDER BY ORDINAL_POSITION");
        var bin = _db.Collation;
        Assert.That(columns.Select(c => string.Join(" ", c)), Is.EqualTo(new[]
        {
            "k int NO - PRI", $"s longtext YES {bin} ", "i64 bigint YES - ", "b tinyint(1) YES - ",
            "dec decimal(18,4) YES - ", "f double YES - ", "dt date YES - ", "ts datetime(6) YES - ",
            $"code varchar(255) NO {bin} PRI", $"short varchar(20) YES {bin} ",
        }));
        Assert.That(bin, Is.EqualTo("utf8mb4_nopad_bin").Or.EqualTo("utf8mb4_0900_bin"), "a NO PAD binary collation");
        Assert.That(_db.Scalar($"SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_db.Database}' AND TABLE_NAME = 'types'"), Is.EqualTo("InnoDB"));
    }

    [Test]
    public async Task Load_StringKeysDifferingInCaseOrTrailingSpace_AreDifferentKeys()
    {
        var contract = Contract("tags", LoadMode.Append, ["tag"], Col("tag", ColumnType.String, nullable: false));

        await _db.LoadAsync("r1", contract, ["a"], ["A"], ["a "], ["ä"]);

        Assert.That(_db.Count("SELECT COUNT(DISTINCT tag) FROM tags"), Is.EqualTo(4));
    }


    [Test]
    public async Task Load_SameRunConcurrently_LoadsOnce()
    {
        var rows = Enumerable.Range(1, 50_000).Select(i => new object?[] { (long)i, "n", 1m }).ToArray();
        var other = new MySqlTableLoader(MySqlSettings.FromConnectionString(_db.ConnectionString, allowUnencryptedRemote: true));
        await _db.LoadAsync("warm-up", Orders(LoadMode.Append)); // the table exists before the race

        var results = await Task.WhenAll(
            Task.Run(() => _db.LoadAsync("same", Orders(LoadMode.Append), rows)),
            Task.Run(() => other.LoadAsync(new LoadRequest("same", Orders(LoadMode.Append), "x"),
                _ => Task.FromResult<Stream>(new MemoryStream(Csv(Orders(LoadMode.Append), rows))))));

        Assert.That(results.Count(r => r.AlreadyLoaded), Is.EqualTo(1));
        Assert.That(results.Select(r => r.RowsLoaded), Is.All.EqualTo(50_000));
        Assert.That(_db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(50_000));
        Assert.That(_db.Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'same'"), Is.EqualTo(1));
    }



    [Test]
    public async Task Load_AppendKeyRepeatedInFile_Fails()
    {
        var e = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m], [1L, "b", 2m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(_db.Count("SELECT COUNT(*) FROM orders"), Is.Zero);
        Assert.That(_db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.Zero);
        var retry = await _db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "fixed", 1m]);
        Assert.That(retry.AlreadyLoaded, Is.False, "a failed run can be retried after the fix");
    }

    [Test]
    public async Task Load_UpsertKeyRepeatedInFile_FailsForEmptyAndNonEmptyTables()
    {
        var e1 = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r1", Orders(LoadMode.Upsert), [1L, "a", 1m], [1L, "b", 2m]));
        await _db.LoadAsync("r2", Orders(LoadMode.Upsert), [9L, "z", 9m]);
        var e2 = Assert.ThrowsAsync<EtlException>(() => _db.LoadAsync("r3", Orders(LoadMode.Upsert), [1L, "a", 1m], [9L, "y", 1m], [1L, "b", 2m]));

        Assert.That(new[] { e1!.Type, e2!.Type }, Is.All.EqualTo(ErrorType.ContractViolation));
        Assert.That(e2.Message, Does.Contain("appears more than once in this file"));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 9L, "z", 9m } }));
    }

    [Test]
    public async Task Load_UpsertWhenEveryColumnIsKey_KeepsExistingRows()
    {
        var contract = Contract("tags", LoadMode.Upsert, ["tag"], Col("tag", ColumnType.String, nullable: false));
        await _db.LoadAsync("r1", contract, ["a"], ["b"]);
        await _db.LoadAsync("r2", contract, ["b"], ["c"]);

        Assert.That(_db.Query("SELECT tag FROM tags ORDER BY tag").Select(r => r[0]), Is.EqualTo(new[] { "a", "b", "c" }));
    }



    [Test]
    public void Describe_NamesHostPortAndDatabase_NeverThePassword()
    {
        var b = new MySqlConnector.MySqlConnectionStringBuilder(_db.ConnectionString);

        Assert.That(_db.Loader.Describe(), Is.EqualTo($"mysql://{b.Server}:{b.Port}/{_db.Database}"));
    }
}
