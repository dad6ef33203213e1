using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Integration.Database.MySqlTableLoaderTests;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>Existing tables are checked, never altered; identifiers are always quoted.</summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlTableLoaderSchemaTests(string server) : MySqlLoaderFixture(server)
{
    [Test]
    public async Task Load_ExistingTableMatchingTheContract_IsUsedAsIs()
    {
        Db.Execute("CREATE TABLE Orders_Check_Dummy (x INT)");
        Db.Execute("CREATE TABLE orders (Name MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, ID bigint not null, Amount decimal(10, 2), primary key (id)) ENGINE=InnoDB");

        var result = await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1.5m]);

        Assert.That(result.RowsLoaded, Is.EqualTo(1));
        Assert.That(Db.Query("SELECT id, name, amount FROM orders"), Is.EqualTo(new[] { new object?[] { 1L, "a", 1.5m } }), "columns are matched by name, not position");
    }

    [Test]
    public void Load_ExistingTableDiffers_SchemaMismatchNamesEveryDifference()
    {
        Db.Execute("""
            CREATE TABLE orders (id VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, name TEXT CHARACTER SET latin1,
              amount DECIMAL(10,3) NOT NULL, extra INT, PRIMARY KEY (amount)) ENGINE=InnoDB
            """);
        Db.Execute("INSERT INTO orders VALUES ('x', 'y', 1, 2)");

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", Orders(LoadMode.Replace), [1L, "a", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("column `id` is VARCHAR(20) utf8mb4 utf8mb4_bin, contract wants BIGINT (int64)")
            .And.Contain("column `id` is nullable, contract wants NOT NULL")
            .And.Contain("column `name` is TEXT latin1 latin1_swedish_ci, contract wants LONGTEXT (string): it holds 16383 characters, values may have 1048576")
            .And.Contain("column `amount` is DECIMAL(10,3), contract wants DECIMAL(10,2) (decimal(10,2))")
            .And.Contain("column `amount` is NOT NULL, contract wants nullable")
            .And.Contain("column `extra` is not in the contract")
            .And.Contain("primary key is (`amount`), contract wants (`id`)")
            .And.Contain("never alters"));
        Assert.That(Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1), "replace mode never touched the user's table");
        Assert.That(Db.Count($"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{Db.Database}' AND TABLE_NAME = 'orders'"), Is.EqualTo(4));
    }

    [Test]
    public void Load_ExistingMyIsamTableWithCaseInsensitivePrefixKey_IsASchemaMismatch()
    {
        Db.Execute("CREATE TABLE tags (tag VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, PRIMARY KEY (tag(100))) ENGINE=MyISAM");
        var contract = Contract("tags", LoadMode.Append, ["tag"], Col("tag", ColumnType.String, nullable: false));

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", contract, ["a"]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("engine is MyISAM, the loader needs InnoDB").And.Contain("collation utf8mb4_general_ci is not binary")
            .And.Contain("primary key uses only the first 100 characters of `tag`"));
    }

    [Test]
    public void Load_ExistingViewWithTheTableName_IsASchemaMismatch()
    {
        Db.Execute("CREATE VIEW orders AS SELECT 1 AS id, 'a' AS name, 1.0 AS amount");

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("is a view"));
    }

    [Test]
    public async Task Load_HostileIdentifiers_AreQuotedEverywhere()
    {
        var table = "order`; DROP TABLE x; -- \"it's\"";
        var long64 = new string('c', 60) + "`key";
        var contract = Contract(table, LoadMode.Upsert, ["select", long64],
            Col("select", ColumnType.Int64, nullable: false), Col(long64, ColumnType.String, nullable: false),
            Col("from", ColumnType.String), Col("where", ColumnType.Date), Col("null", ColumnType.Bool), Col("a,b \"c\"", ColumnType.Int32));
        var q = MySqlSchema.Quote;

        await Db.LoadAsync("r1", contract, [1L, "k", "it's", new DateOnly(2024, 1, 2), true, 5], [2L, "k", "x", null, null, null]);
        await Db.LoadAsync("r2", contract, [1L, "k", "x`); DROP TABLE `order`; --", null, false, 6]);

        Assert.That(long64, Has.Length.EqualTo(64));
        Assert.That(Db.Query($"SELECT {q("select")}, {q(long64)}, {q("from")}, {q("where")}, {q("null")}, {q("a,b \"c\"")} FROM {q(table)} ORDER BY 1"),
            Is.EqualTo(new[] { new object?[] { 1L, "k", "x`); DROP TABLE `order`; --", null, false, 6 }, [2L, "k", "x", null, null, null] }));
    }

    [Test]
    public void Load_IdentifierLongerThan64Characters_IsAContractViolation()
    {
        var contract = Contract(new string('t', 65), LoadMode.Append, [], Col("c", ColumnType.Int32));

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", contract, [1]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("not a valid MySQL identifier"));
    }

    [Test]
    public async Task Load_FirstRunFailing_LeavesAtMostAnEmptyTable()
    {
        Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m], [1L, "b", 2m]));

        // CREATE TABLE commits implicitly in MySQL, so the table stays; no row and no ledger row do.
        Assert.That(Db.Count("SELECT COUNT(*) FROM orders"), Is.Zero);
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.Zero);
        var retry = await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        Assert.That(retry.RowsLoaded, Is.EqualTo(1));
    }
}
