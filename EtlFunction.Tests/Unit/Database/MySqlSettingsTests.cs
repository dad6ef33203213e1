using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using MySqlConnector;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

public sealed class MySqlSettingsTests
{
    private static MySqlConnectionStringBuilder Normalized(string cs, bool allowUnencryptedRemote = false) =>
        new(new MySqlSettings(_ => Task.FromResult(cs)) { AllowUnencryptedRemote = allowUnencryptedRemote }.Normalize(cs));

    [Test]
    public void Normalize_RemoteHostWithoutSslMode_RequiresTlsAndLocalInfile()
    {
        var b = Normalized("Server=db.example.com;User ID=u;Password=p;Database=d");

        Assert.That(b.SslMode, Is.EqualTo(MySqlSslMode.Required));
        Assert.That(b.AllowLoadLocalInfile, Is.True);
        Assert.That(b.IgnorePrepare, Is.False);
    }

    [TestCase("None")]
    [TestCase("Preferred")]
    public void Normalize_RemoteHostWithTlsOff_IsRefusedUnlessAllowed(string mode)
    {
        var cs = $"Server=10.0.0.5;User ID=u;Password=p;Database=d;SslMode={mode}";

        var e = Assert.Throws<ArgumentException>(() => Normalized(cs));

        Assert.That(e!.Message, Does.Contain("TLS is required").And.Contain("10.0.0.5").And.Not.Contain("Password"));
        Assert.That(Normalized(cs, allowUnencryptedRemote: true).SslMode.ToString(), Is.EqualTo(mode));
    }

    [TestCase("VerifyFull")]
    [TestCase("VerifyCA")]
    [TestCase("Required")]
    public void Normalize_RemoteHostWithStrongerTls_IsKept(string mode)
    {
        Assert.That(Normalized($"Server=db;Database=d;Ssl Mode={mode}").SslMode.ToString(), Is.EqualTo(mode));
    }

    [TestCase("127.0.0.1")]
    [TestCase("localhost")]
    [TestCase("::1")]
    [TestCase("/run/mysqld/mysqld.sock")]
    public void Normalize_LoopbackWithSslModeNone_IsKept(string host)
    {
        Assert.That(Normalized($"Server={host};Database=d;SslMode=None;AllowLoadLocalInfile=false").SslMode, Is.EqualTo(MySqlSslMode.None));
        Assert.That(Normalized($"Server={host};Database=d;SslMode=None;AllowLoadLocalInfile=false").AllowLoadLocalInfile, Is.True);
    }

    [Test]
    public void Normalize_PasswordContainingSslModeText_DoesNotCountAsTheOption()
    {
        Assert.That(Normalized("Server=db;Database=d;Password='x;SslMode=None'").SslMode, Is.EqualTo(MySqlSslMode.Required));
    }

    [Test]
    public void Normalize_MissingDatabase_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Normalized("Server=127.0.0.1"));
    }

    [Test]
    public async Task Target_NamesHostPortAndDatabaseOnly()
    {
        var fixedString = MySqlSettings.FromConnectionString("Server=db.example.com;Port=3307;User ID=admin;Password=secret;Database=sales");
        var provided = new MySqlSettings(_ => Task.FromResult("Server=127.0.0.1;Database=x;Password=secret"));

        Assert.That(fixedString.Target, Is.EqualTo("mysql://db.example.com:3307/sales"));
        Assert.That(provided.Target, Does.Not.Contain("secret").And.Contain("not resolved"));
        await provided.ResolveAsync(CancellationToken.None);
        Assert.That(provided.Target, Is.EqualTo("mysql://127.0.0.1:3306/x"));
    }

    [TestCase("10.11.19-MariaDB-0+deb12u1", "utf8mb4_nopad_bin")]
    [TestCase("8.0.36", "utf8mb4_0900_bin")]
    [TestCase("8.4.3-commercial", "utf8mb4_0900_bin")]
    [TestCase("5.7.44-log", "utf8mb4_bin")]
    public void CollationFor_PicksABinaryNoPadCollationWhereTheServerHasOne(string version, string collation)
    {
        Assert.That(MySqlSchema.CollationFor(version), Is.EqualTo(collation));
    }

    [Test]
    public void CreateTableSql_QuotesAndMapsEveryType()
    {
        var contract = Contract("we`ird", LoadMode.Append, ["k"], Col("k", ColumnType.String, nullable: false),
            Col("d", ColumnType.Decimal(12, 2)), Col("b", ColumnType.Bool, nullable: false), Col("t", ColumnType.Timestamp));

        Assert.That(MySqlSchema.CreateTableSql(contract, contract.Table, "utf8mb4_bin"), Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `we``ird` (\n" +
            "  `k` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\n" +
            "  `d` DECIMAL(12,2) NULL,\n  `b` TINYINT(1) NOT NULL,\n  `t` DATETIME(6) NULL,\n  PRIMARY KEY (`k`)\n" +
            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"));
    }

    [Test]
    public void CreateTableSql_StringKeyLongerThanAnIndexCanHold_IsAContractViolation()
    {
        var contract = Contract("t", LoadMode.Append, ["k"], Col("k", ColumnType.String, nullable: false) with { Check = new Condition { MaxLength = 1000 } });

        var e = Assert.Throws<EtlException>(() => MySqlSchema.CreateTableSql(contract, "t", "utf8mb4_bin"));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("max_length 1000, over the 768 characters"));
    }

    [Test]
    public void UpsertSql_UpdatesEveryNonKeyColumnFromStaging()
    {
        var contract = Contract("t", LoadMode.Upsert, ["id"], Col("id", ColumnType.Int64, nullable: false), Col("v", ColumnType.String));

        Assert.That(MySqlTableLoader.UpsertSql(contract, "_s"), Is.EqualTo(
            "INSERT INTO `t` (`id`, `v`) SELECT `_s`.`id`, `_s`.`v` FROM `_s` ON DUPLICATE KEY UPDATE `t`.`v` = `_s`.`v`"));
    }
}
