using EtlFunction.Contracts;
using EtlFunction.Contracts.Store;
using EtlFunction.Database;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>
/// The ledger's contract columns on SQLite: a new ledger has them, a ledger made before them gets them on the
/// next load (its old rows keep NULL), and a run's contract location, version id and SHA-256 land there.
/// </summary>
public class SqliteLedgerColumnsTests
{
    private static readonly DatasetContract Contract = ContractLoader.Parse("dataset: t\ncolumns:\n  - {name: id, type: int64, nullable: false}\nprimary_key: [id]\n", "t.yaml");

    internal static readonly ContractSourceInfo Source = new("s3://contracts/_contracts/t.yaml", "3HL4kqtJvjVBH40Nrjfkd", new string('a', 64));

    private SqliteTestDb _db = null!;

    [SetUp]
    public void SetUp() => _db = new SqliteTestDb();

    [TearDown]
    public void TearDown() => _db.Dispose();

    private Task<LoadResult> Load(string runId, ContractSourceInfo? source, long id) =>
        _db.Loader.LoadAsync(new LoadRequest(runId, Contract, "landing/t/" + runId + ".csv") { ContractSource = source },
            _ => Task.FromResult<Stream>(new MemoryStream(TableData.Csv(Contract, [[id]]))));

    [Test]
    public async Task Load_NewLedger_ContractColumnsRecorded()
    {
        await Load("r1", Source, 1);
        await Load("r2", null, 2);

        Assert.That(_db.Query("SELECT run_id, contract_location, contract_version_id, contract_sha256 FROM _etl_ledger ORDER BY run_id"), Is.EqualTo(new[]
        {
            new object?[] { "r1", Source.Location, Source.VersionId, Source.Sha256 },
            new object?[] { "r2", null, null, null },
        }));
    }

    [Test]
    public async Task Load_LedgerWithoutContractColumns_ColumnsAddedOldRowsNull()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.DatabasePath)!);
        _db.Execute("""
            CREATE TABLE "_etl_ledger" ("run_id" TEXT NOT NULL PRIMARY KEY, "dataset" TEXT NOT NULL, "table_name" TEXT NOT NULL,
              "source" TEXT NOT NULL, "rows_loaded" INTEGER NOT NULL, "load_mode" TEXT NOT NULL, "loaded_at" TEXT NOT NULL);
            INSERT INTO "_etl_ledger" VALUES ('old', 't', 't', 'landing/t/old.csv', 7, 'append', '2024-01-01 00:00:00');
            """);

        await Load("r1", Source, 1);
        var again = await Load("old", Source, 9);

        Assert.That(again.AlreadyLoaded, Is.True, "the old ledger row still counts");
        Assert.That(_db.Query("SELECT run_id, rows_loaded, contract_location, contract_version_id, contract_sha256 FROM _etl_ledger ORDER BY run_id"), Is.EqualTo(new[]
        {
            new object?[] { "old", 7L, null, null, null },
            new object?[] { "r1", 1L, Source.Location, Source.VersionId, Source.Sha256 },
        }));
        Assert.That(_db.Query("SELECT id FROM t"), Is.EqualTo(new[] { new object?[] { 1L } }));
    }
}
