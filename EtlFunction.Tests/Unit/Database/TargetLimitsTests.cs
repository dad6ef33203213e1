using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>The width limits of each target, checked on the schema builders before any statement runs.</summary>
public class TargetLimitsTests
{
    private static DatasetContract Wide(int columns, Func<int, ColumnSpec>? column = null) =>
        Contract("wide", LoadMode.Append, [], Enumerable.Range(0, columns).Select(column ?? (i => Col("c" + i, ColumnType.Int32))).ToArray());

    private static ColumnSpec Varchar(int i, int length) =>
        Col("s" + i, ColumnType.String) with { Check = new Condition { MaxLength = length } };

    [Test]
    public void MySqlCreateTable_MoreColumnsThanInnoDb_SchemaMismatchNamingTheLimit()
    {
        Assert.DoesNotThrow(() => MySqlSchema.CreateTableSql(Wide(TargetLimits.InnoDbMaxColumns), "wide", "utf8mb4_bin"));
        var e = Assert.Throws<EtlException>(() => MySqlSchema.CreateTableSql(Wide(TargetLimits.InnoDbMaxColumns + 1), "wide", "utf8mb4_bin"));
        Assert.That(e.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("1018 columns").And.Contain("InnoDB's limit of 1017"));
    }

    [Test]
    public void MySqlCreateTable_VarcharsOverRowSize_SchemaMismatchNamingTheLimit()
    {
        // VARCHAR(1000) utf8mb4 counts 4000 + 2 bytes: 16 of them (64,032 + 2 NULL-bit bytes) fit, 17 do not.
        Assert.That(TargetLimits.MySqlRowBytes(Wide(16, i => Varchar(i, 1000))), Is.EqualTo(16 * 4002 + 2));
        Assert.DoesNotThrow(() => MySqlSchema.CreateTableSql(Wide(16, i => Varchar(i, 1000)), "wide", "utf8mb4_bin"));
        var e = Assert.Throws<EtlException>(() => MySqlSchema.CreateTableSql(Wide(17, i => Varchar(i, 1000)), "wide", "utf8mb4_bin"));
        Assert.That(e.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("row size of 68037 bytes").And.Contain("65535"));
    }

    [TestCase(1015, 65534, false)]
    [TestCase(1016, 65538, true)]
    public void MySqlCreateTable_RowSizeAtTheServersBoundary_SameVerdictAsMariaDb(int last, long bytes, bool refused)
    {
        // Measured on MariaDB 10.11: 15 VARCHAR(1024) + one VARCHAR(1015), all NULL, is created; VARCHAR(1016) is
        // "Row size too large". Also measured: LONGTEXT 12, DATETIME(6) 8, DECIMAL(18,2) 9, DATE 3, TINYINT(1) 1 bytes.
        var contract = Wide(16, i => Varchar(i, i < 15 ? 1024 : last));
        Assert.That(TargetLimits.MySqlRowBytes(contract), Is.EqualTo(bytes));
        if (refused) Assert.That(Assert.Throws<EtlException>(() => MySqlSchema.CreateTableSql(contract, "wide", "utf8mb4_bin")).Type, Is.EqualTo(ErrorType.SchemaMismatch));
        else Assert.DoesNotThrow(() => MySqlSchema.CreateTableSql(contract, "wide", "utf8mb4_bin"));
    }

    [Test]
    public void MySqlRowBytes_LongTextAndDecimal_CountAsTheServerDoes()
    {
        // No max_length: LONGTEXT, 12 bytes in the row. DECIMAL(18,2): 16 integer digits (4 + 4 bytes) + 2 fraction digits (1 byte).
        var contract = Contract("t", LoadMode.Append, [], Col("s", ColumnType.String), Col("d", ColumnType.Decimal(18, 2), nullable: false),
            Col("ts", ColumnType.Timestamp, nullable: false), Col("day", ColumnType.Date, nullable: false), Col("b", ColumnType.Bool, nullable: false));
        Assert.That(TargetLimits.MySqlRowBytes(contract), Is.EqualTo(12 + 9 + 8 + 3 + 1 + 1));
        // 5,000 LONGTEXT columns would fit the row size; the column count stops them first.
        Assert.That(TargetLimits.MySqlRowBytes(Wide(5000, i => Col("s" + i, ColumnType.String))), Is.LessThan(TargetLimits.MySqlMaxRowBytes));
    }

    [Test]
    public async Task SqliteLoad_MoreColumnsThanSqlite_SchemaMismatchAndNoTable()
    {
        using var db = new SqliteTestDb();
        var e = Assert.ThrowsAsync<EtlException>(() => db.LoadAsync("r1", Wide(TargetLimits.SqliteMaxColumns + 1), [.. Enumerable.Repeat<object?>(1L, TargetLimits.SqliteMaxColumns + 1)]));
        Assert.That(e.Type, Is.EqualTo(ErrorType.SchemaMismatch));
        Assert.That(e.Message, Does.Contain("2001 columns").And.Contain("SQLite's limit of 2000"));
        Assert.That(db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'wide'"), Is.Zero, "no table");
        Assert.That(db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = '_etl_ledger'") is 0L || db.Scalar("SELECT COUNT(*) FROM _etl_ledger") is 0L, Is.True, "no ledger row");
        // The limit is the bundled library's own: 2,000 columns load.
        var ok = await db.LoadAsync("r2", Wide(TargetLimits.SqliteMaxColumns), [.. Enumerable.Repeat<object?>(1L, TargetLimits.SqliteMaxColumns)]);
        Assert.That(ok.RowsLoaded, Is.EqualTo(1));
    }

    [Test]
    public void CheckContract_WiderThanEveryDatabase_ContractViolation()
    {
        Assert.DoesNotThrow(() => TargetLimits.CheckContract(Wide(TargetLimits.MaxColumns)));
        var e = Assert.Throws<EtlException>(() => TargetLimits.CheckContract(Wide(5000), inferred: true));
        Assert.That(e.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("inferred contract").And.Contain("5000 columns").And.Contain("2000"));
    }
}
