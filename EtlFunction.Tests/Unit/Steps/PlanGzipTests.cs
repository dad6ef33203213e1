using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using EtlFunction.Steps;
using EtlFunction.Storage;
using EtlFunction.Tests.Unit.Cleaning;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>A gzip object is never cut into byte ranges: the plan sends it down the single path, which verifies it.</summary>
public class PlanGzipTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("etl-plan-gzip-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private StepContext Context(byte[] data)
    {
        var landing = Path.Combine(_dir, "store", "landing", "people");
        Directory.CreateDirectory(landing);
        File.WriteAllBytes(Path.Combine(landing, "p.csv.gz"), data);
        var contracts = Path.Combine(_dir, "contracts");
        Directory.CreateDirectory(contracts);
        return new StepContext
        {
            Store = new FolderObjectStore(Path.Combine(_dir, "store")),
            Buckets = Buckets.Local,
            Contracts = new FolderContractSource([contracts]),
            Loader = () => new SqliteTableLoader(Path.Combine(_dir, "etl.db")),
        };
    }

    [Test]
    public async Task Plan_GzipAboveTheSplitThreshold_SinglePathNotRefusedAsBinary()
    {
        // The compressed bytes hold NUL bytes: the binary sniff belongs to the inflated text, on the single path.
        var ctx = Context(GzipVerifyingStreamTests.Gzip(GzipVerifyingStreamTests.Payload()));
        var plan = await PlanStep.RunAsync(ctx, new PlanInput("landing", "people/p.csv.gz", null, 4096, SplitThreshold: 0));
        Assert.That(plan.Split, Is.False);
        Assert.That(plan.Gzip, Is.True);
        Assert.That(plan.Pieces, Is.Empty);
    }

    [Test]
    public void Preprocess_TruncatedGzip_InvalidInputAndNoProcessedObject()
    {
        var gz = GzipVerifyingStreamTests.Gzip(GzipVerifyingStreamTests.Payload());
        var ctx = Context(gz[..(gz.Length / 2)]);
        var e = Assert.ThrowsAsync<EtlException>(() => PreprocessStep.RunAsync(ctx, new PreprocessInput("landing", "people/p.csv.gz")))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("truncated"));
        var processed = Path.Combine(_dir, "store", "processed");
        Assert.That(Directory.Exists(processed) ? Directory.GetFiles(processed, "*", SearchOption.AllDirectories) : [], Is.Empty);
    }
}
