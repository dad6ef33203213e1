using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Tests.Support;
using EtlFunction.Tests.Unit.Database;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// The ledger's contract columns on MySQL/MariaDB: a ledger made before them gets them by ALTER TABLE on the
/// next load (old rows keep NULL; the new columns are nullable), and a run's contract is recorded there.
/// </summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlLedgerColumnsTests(string server) : MySqlLoaderFixture(server)
{
    private static readonly DatasetContract Contract = ContractLoader.Parse("dataset: t\ncolumns:\n  - {name: id, type: int64, nullable: false}\nprimary_key: [id]\n", "t.yaml");

    private Task<LoadResult> Load(string runId, bool withSource, long id) =>
        Db.Loader.LoadAsync(new LoadRequest(runId, Contract, "landing/t/" + runId + ".csv") { ContractSource = withSource ? SqliteLedgerColumnsTests.Source : null },
            _ => Task.FromResult<Stream>(new MemoryStream(TableData.Csv(Contract, [[id]]))));

    [Test]
    public async Task Load_LedgerWithoutContractColumns_ColumnsAddedOldRowsNull()
    {
        Db.Execute("""
            CREATE TABLE `_etl_ledger` (`run_id` VARCHAR(255) NOT NULL, `dataset` VARCHAR(255) NOT NULL, `table_name` VARCHAR(255) NOT NULL,
              `source` TEXT NOT NULL, `rows_loaded` BIGINT NOT NULL, `load_mode` VARCHAR(16) NOT NULL, `loaded_at` DATETIME(6) NOT NULL,
              PRIMARY KEY (`run_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """);
        Db.Execute("INSERT INTO `_etl_ledger` VALUES ('old', 't', 't', 'landing/t/old.csv', 7, 'append', '2024-01-01 00:00:00')");

        await Load("r1", true, 1);
        await Load("r2", false, 2);
        var again = await Load("old", true, 9);

        Assert.That(again.AlreadyLoaded, Is.True);
        var s = SqliteLedgerColumnsTests.Source;
        Assert.That(Db.Query("SELECT run_id, rows_loaded, contract_location, contract_version_id, contract_sha256 FROM _etl_ledger ORDER BY run_id"), Is.EqualTo(new[]
        {
            new object?[] { "old", 7L, null, null, null },
            new object?[] { "r1", 1L, s.Location, s.VersionId, s.Sha256 },
            new object?[] { "r2", 1L, null, null, null },
        }));
        Assert.That(Db.Query("SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_etl_ledger' AND COLUMN_NAME LIKE 'contract%' ORDER BY ORDINAL_POSITION"),
            Is.EqualTo(new[] { new object?[] { "contract_location", "YES" }, new object?[] { "contract_version_id", "YES" }, new object?[] { "contract_sha256", "YES" } }));
    }

    [Test]
    public async Task Load_NewLedger_SameColumnsAsAnUpgradedOne()
    {
        await Load("r1", true, 1);

        Assert.That(Db.Query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_etl_ledger' AND COLUMN_NAME LIKE 'contract%' ORDER BY ORDINAL_POSITION"),
            Is.EqualTo(new[]
            {
                new object?[] { "contract_location", "text", "YES" },
                new object?[] { "contract_version_id", "varchar(1024)", "YES" },
                new object?[] { "contract_sha256", "char(64)", "YES" },
            }));
    }
}
