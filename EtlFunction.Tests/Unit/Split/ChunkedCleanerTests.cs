using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Generator;
using EtlFunction.Split;
using static EtlFunction.Tests.Unit.Cleaning.CleanHarness;

namespace EtlFunction.Tests.Unit.Split;

public class ChunkedCleanerTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("etl-plan-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static DatasetContract Orders(string dedupe) =>
        ContractLoader.Parse(File.ReadAllText(Path.Combine(RepoPaths.Contracts, "orders.yaml")).Replace("dedupe: keep_last", "dedupe: " + dedupe, StringComparison.Ordinal), "orders.yaml");

    private static DatasetContract PeopleWith(string dedupe) => Contract(People.Replace("keep_last", dedupe, StringComparison.Ordinal));

    private static (CleanResult Result, byte[] Processed, byte[] Rejects) Single(DatasetContract contract, string path)
    {
        using var src = File.OpenRead(path);
        using var p = new MemoryStream();
        using var r = new MemoryStream();
        var result = new CsvCleaner(contract).Run(src, p, r);
        return (result, p.ToArray(), r.ToArray());
    }

    private static (CleanResult Result, byte[] Processed, byte[] Rejects, RecordPlan Plan) Chunked(DatasetContract contract, string path, long chunk, int parallel = 3)
    {
        var cleaner = new ChunkedCleaner(contract, parallel) { ChunkSize = chunk };
        var plan = cleaner.Plan(path);
        using var p = new MemoryStream();
        using var r = new MemoryStream();
        var result = cleaner.Run(path, plan, p, r);
        return (result, p.ToArray(), r.ToArray(), plan);
    }

    private static void AssertSame(DatasetContract contract, string path, long chunk, int minRanges)
    {
        var single = Single(contract, path);
        var chunked = Chunked(contract, path, chunk);
        Assert.That(chunked.Plan.Ranges, Has.Count.GreaterThanOrEqualTo(minRanges));
        Assert.That(Encoding.UTF8.GetString(chunked.Processed), Is.EqualTo(Encoding.UTF8.GetString(single.Processed)), "processed CSV");
        Assert.That(Encoding.UTF8.GetString(chunked.Rejects), Is.EqualTo(Encoding.UTF8.GetString(single.Rejects)), "rejects CSV");
        Assert.That(chunked.Result.Balanced, Is.True);
        var (a, b) = (chunked.Result, single.Result);
        Assert.Multiple(() =>
        {
            Assert.That(a.RowsRead, Is.EqualTo(b.RowsRead), "read");
            Assert.That(a.RowsWritten, Is.EqualTo(b.RowsWritten), "written");
            Assert.That(a.RowsFiltered, Is.EqualTo(b.RowsFiltered), "filtered");
            Assert.That(a.RowsRejected, Is.EqualTo(b.RowsRejected), "rejected");
            Assert.That(a.RowsDeduplicated, Is.EqualTo(b.RowsDeduplicated), "deduplicated");
            Assert.That(a.BlankLines, Is.EqualTo(b.BlankLines), "blank");
            Assert.That(a.BytesRead, Is.EqualTo(b.BytesRead), "bytes read");
            Assert.That(a.ProcessedBytes, Is.EqualTo(b.ProcessedBytes), "processed bytes");
            Assert.That(a.DistinctKeys, Is.EqualTo(b.DistinctKeys), "distinct keys");
            Assert.That(a.RejectsByColumn, Is.EquivalentTo(b.RejectsByColumn), "rejects by column");
            Assert.That(a.FilteredByColumn, Is.EquivalentTo(b.FilteredByColumn), "filtered by column");
        });
    }

    [TestCase("keep_last")]
    [TestCase("keep_first")]
    [TestCase("reject")]
    [TestCase("none")]
    public void Chunked_QuotedNewlinesStraddleEveryBoundary_SameAsSinglePath(string dedupe)
    {
        var path = PlanFiles.Write(_dir, "people.csv", PlanFiles.Straddling(300));
        AssertSame(PeopleWith(dedupe), path, 1, 300);
    }

    [TestCase("\r\n", true)]
    [TestCase("\n", false)]
    [TestCase("\r\n", false)]
    public void Chunked_CrlfAndNoFinalNewline_SameAsSinglePath(string eol, bool finalEol)
    {
        var path = PlanFiles.Write(_dir, "people.csv", PlanFiles.Straddling(120, eol, finalEol));
        AssertSame(PeopleWith("keep_last"), path, 40, 20);
    }

    [Test]
    public void Chunked_UnterminatedQuoteAndBlankLines_SameAsSinglePath()
    {
        var path = PlanFiles.Write(_dir, "people.csv", "id,name,score\n1,a,1\n\n2,b,2\n3,\"c,3\n4,d,4\n5,e,5\n");
        AssertSame(PeopleWith("keep_last"), path, 1, 3);
    }

    [TestCase("keep_last")]
    [TestCase("keep_first")]
    [TestCase("reject")]
    public void Chunked_GeneratedOrders_SameAsSinglePath(string dedupe)
    {
        var path = Path.Combine(_dir, "orders.csv");
        using (var f = File.Create(path)) new OrdersGenerator(20_000, seed: 11).Write(f);
        AssertSame(Orders(dedupe), path, 128 << 10, 10);
    }

    [Test]
    public void Chunked_OrdersDuplicatesCrossPieces()
    {
        // The single path's deduplicated count is only reachable if the merge sees duplicates across pieces.
        var path = Path.Combine(_dir, "orders.csv");
        using (var f = File.Create(path)) new OrdersGenerator(20_000, seed: 11).Write(f);
        var chunked = Chunked(Orders("keep_last"), path, 128 << 10);
        Assert.That(chunked.Result.RowsDeduplicated, Is.GreaterThan(20));
    }

    [Test]
    public void Chunked_NulInFirst64KiB_FailsAsTheSinglePathDoes()
    {
        // The NUL lies in the second piece but within the file's first 64 KiB, where the single pass sniffs.
        var path = PlanFiles.Write(_dir, "people.csv", "id,name,score\n1,a,1\n2,b\0,2\n3,c,3\n");
        var contract = PeopleWith("keep_last");
        var single = Assert.Throws<EtlFunction.Errors.EtlException>(() => Single(contract, path));
        var chunked = Assert.Throws<EtlFunction.Errors.EtlException>(() => Chunked(contract, path, 1));
        Assert.That(chunked!.Type, Is.EqualTo(single!.Type));
        Assert.That(chunked.Message, Is.EqualTo(single.Message));
    }

    [Test]
    public void Run_GzipOrSmallFile_UsesSinglePath()
    {
        var path = PlanFiles.Write(_dir, "people.csv", "id,name,score\n1,a,1\n1,b,2\n");
        using var p = new MemoryStream();
        using var r = new MemoryStream();
        var result = new ChunkedCleaner(PeopleWith("keep_last"), 4) { ChunkSize = 1 << 20 }.Run(path, p, r);
        Assert.That(result.RowsWritten, Is.EqualTo(1));
        Assert.That(Encoding.UTF8.GetString(p.ToArray()), Is.EqualTo("id,name,score\n1,b,2.00\n"));
    }
}
