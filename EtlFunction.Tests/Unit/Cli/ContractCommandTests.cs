using EtlFunction.Cli;
using EtlFunction.Contracts.Store;
using EtlFunction.Tests.Unit.Contracts.Store;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// <c>contract validate|diff|publish</c> in-process, and <c>run --contract-store DIR</c>: a contract published
/// to a folder store changes the next run, read back from the SQLite table and the ledger.
/// </summary>
public class ContractCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("etl-contract-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await CliApp.RunAsync(args, new StringReader(""), o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Test]
    public async Task Validate_SampleWithRejects_CountsAndFirstRejectShown()
    {
        var contract = Write("scores.yaml", ScoresFixture.V2);
        var sample = Write("sample.csv", ScoresFixture.Csv);

        var (code, output, _) = await Cli("contract", "validate", contract, "--sample", sample);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("valid contract for dataset 'scores'"));
        Assert.That(output, Does.Contain("read 3, written 2, filtered 0, rejected 1"));
        Assert.That(output, Does.Contain("rejected by score: 1"));
        Assert.That(output, Does.Contain("2,70"), "the rejected record");
    }

    [Test]
    public async Task Validate_InvalidContract_ExitContractViolation()
    {
        var contract = Write("scores.yaml", ScoresFixture.V1.Replace("int32, checks", "int33, checks", StringComparison.Ordinal));

        var (code, _, err) = await Cli("contract", "validate", contract);

        Assert.That(code, Is.EqualTo(4));
        Assert.That(err, Does.Contain("ContractViolation").And.Contain("int33"));
    }

    [Test]
    public async Task Diff_CheckChanged_RowsSectionNamesBothRules()
    {
        var (code, output, _) = await Cli("contract", "diff", Write("old.yaml", ScoresFixture.V1), Write("new.yaml", ScoresFixture.V2));

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("table: unchanged").And.Contain("parquet schema: unchanged"));
        Assert.That(output, Does.Contain("column score rules changed").And.Contain("max: \"50\""));
    }

    [Test]
    public async Task Publish_InvalidContract_NothingStored()
    {
        var store = Path.Combine(_dir, "store");
        var (code, _, _) = await Cli("contract", "publish", Write("scores.yaml", "dataset: scores\ncolumns: []\n"), store);

        Assert.That(code, Is.EqualTo(4));
        Assert.That(Directory.Exists(store), Is.False);
    }

    [Test]
    public async Task PublishThenRun_FolderStore_NextRunUsesPublishedContract()
    {
        var image = Path.Combine(_dir, "image");
        Directory.CreateDirectory(image);
        File.WriteAllText(Path.Combine(image, "scores.yaml"), ScoresFixture.V1);
        var contractStore = Path.Combine(_dir, "contract-store");
        var etl = Path.Combine(_dir, "etl");
        string[] Common(string file) => ["run", file, "--dataset", "scores", "--store", etl, "--contracts", image, "--contract-store", contractStore, "--json", "--quiet"];

        var first = await Cli(Common(Write("scores.csv", ScoresFixture.Csv)));
        Assert.That(first.Code, Is.EqualTo(0), first.Err);
        var published = await Cli("contract", "publish", Write("v2.yaml", ScoresFixture.V2), "--contract-store", contractStore);
        Assert.That(published.Code, Is.EqualTo(0), published.Err);
        Assert.That(published.Out, Does.Contain(Path.Combine(contractStore, "scores.yaml")));
        var second = await Cli(Common(Write("scores-2.csv", "id,score\n4,70\n5,20\n")));
        Assert.That(second.Code, Is.EqualTo(0), second.Err);

        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(etl, "etl.db")};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT group_concat(id, ',') FROM (SELECT id FROM scores ORDER BY id)";
        Assert.That(cmd.ExecuteScalar(), Is.EqualTo("1,2,3,5"), "70 was accepted under the image's contract, rejected under the published one");
        cmd.CommandText = "SELECT group_concat(contract_location || '@' || contract_sha256, ' ') FROM (SELECT * FROM _etl_ledger ORDER BY rows_loaded DESC)";
        Assert.That(cmd.ExecuteScalar(), Is.EqualTo(
            $"{Path.Combine(image, "scores.yaml")}@{ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V1))} " +
            $"{Path.Combine(contractStore, "scores.yaml")}@{ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V2))}"));
    }
}
