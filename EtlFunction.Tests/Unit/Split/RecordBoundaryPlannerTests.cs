using System.IO.Compression;
using System.Text;
using EtlFunction.Generator;
using EtlFunction.Split;

namespace EtlFunction.Tests.Unit.Split;

public class RecordBoundaryPlannerTests
{
    private static RecordPlan PlanOf(byte[] bytes, long chunk)
    {
        using var s = new MemoryStream(bytes);
        return RecordBoundaryPlanner.Plan(s, chunk);
    }

    private static void AssertCovers(RecordPlan plan, byte[] bytes)
    {
        Assert.That(plan.Length, Is.EqualTo(bytes.Length));
        Assert.That(plan.Ranges[0].Start, Is.EqualTo(plan.HeaderLength));
        Assert.That(plan.Ranges[^1].End, Is.EqualTo(bytes.Length));
        for (var i = 1; i < plan.Ranges.Count; i++) Assert.That(plan.Ranges[i].Start, Is.EqualTo(plan.Ranges[i - 1].End));
        Assert.That(plan.Ranges.All(r => r.Length > 0), Is.True, "no empty range");
        var starts = PlanFiles.RecordStarts(bytes);
        Assert.That(plan.Ranges.Select(r => r.Start).Where(s => !starts.Contains(s)), Is.Empty, "every range starts at a record start");
    }

    [Test]
    public void Plan_QuotedNewlineAfterEverySplitPoint_CutsOnlyAtRecordEnds()
    {
        var bytes = Encoding.UTF8.GetBytes(PlanFiles.Straddling(200));
        var plan = PlanOf(bytes, 1);
        AssertCovers(plan, bytes);
        Assert.That(plan.Ranges, Has.Count.EqualTo(200), "chunk size 1: one record per range");
        Assert.That(plan.HeaderLength, Is.EqualTo("id,name,score\n".Length));
        // Each record spans three lines: record k (0-based) starts on line 2 + 3k.
        Assert.That(plan.Ranges.Select(r => r.FirstLine), Is.EqualTo(Enumerable.Range(0, 200).Select(k => 2L + 3 * k)));
    }

    [Test]
    public void Plan_Crlf_KeepsCrLfWholeAndCountsLinesOnce()
    {
        var bytes = Encoding.UTF8.GetBytes(PlanFiles.Straddling(50, "\r\n"));
        var plan = PlanOf(bytes, 1);
        AssertCovers(plan, bytes);
        Assert.That(plan.Ranges, Has.Count.EqualTo(50));
        Assert.That(plan.Ranges.All(r => bytes[r.Start - 1] == (byte)'\n' && bytes[r.Start - 2] == (byte)'\r'), Is.True);
        Assert.That(plan.Ranges[^1].FirstLine, Is.EqualTo(2 + 3 * 49));
    }

    [Test]
    public void Plan_NoFinalNewline_LastRangeEndsAtEof()
    {
        var bytes = Encoding.UTF8.GetBytes(PlanFiles.Straddling(10, finalEol: false));
        var plan = PlanOf(bytes, 1);
        AssertCovers(plan, bytes);
        Assert.That(plan.Ranges, Has.Count.EqualTo(10));
    }

    [Test]
    public void Plan_UnterminatedQuote_RestOfFileIsOneRange()
    {
        var bytes = Encoding.UTF8.GetBytes("id,name,score\n1,a,1\n2,\"b,2\n3,c,3\n4,d,4\n");
        var plan = PlanOf(bytes, 1);
        Assert.That(plan.Ranges.Select(r => (r.Start, r.End, r.FirstLine)), Is.EqualTo(new[] { (14L, 20L, 2L), (20L, (long)bytes.Length, 3L) }));
    }

    [Test]
    public void Plan_Gzip_IsOneUnsplitRange()
    {
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Encoding.UTF8.GetBytes(PlanFiles.Straddling(100)));
        var plan = PlanOf(gz.ToArray(), 1);
        Assert.That(plan.Gzip, Is.True);
        Assert.That(plan.IsSplit, Is.False);
        Assert.That(plan.Ranges.Single(), Is.EqualTo(new ByteRange(0, gz.Length, 1)));
    }

    [Test]
    public void Plan_HeaderOnlyOrNoNewline_IsNotSplit()
    {
        Assert.That(PlanOf(Encoding.UTF8.GetBytes("id,name,score\n"), 1).IsSplit, Is.False);
        Assert.That(PlanOf(Encoding.UTF8.GetBytes("id,name,score"), 1).IsSplit, Is.False);
        Assert.That(PlanOf(Encoding.UTF8.GetBytes("id,name\r1,a\r2,b\r"), 1).IsSplit, Is.False, "lone CR line ends: the header is not one line");
    }

    [TestCase(1L)]
    [TestCase(997L)]
    [TestCase(64L << 10)]
    public void Plan_GeneratedOrders_RangesStartAtRecordStarts(long chunk)
    {
        using var ms = new MemoryStream();
        new OrdersGenerator(5_000, seed: 7).Write(ms);
        var bytes = ms.ToArray();
        var plan = PlanOf(bytes, chunk);
        AssertCovers(plan, bytes);
        Assert.That(plan.Ranges.Count, Is.GreaterThan(bytes.Length / (chunk + 4096) - 1));
    }

    [Test]
    public void Plan_SmallBufferBoundaries_SameAsWholeBuffer()
    {
        // A 1-byte-at-a-time stream puts every "\r\n" and quote across a read boundary.
        var bytes = Encoding.UTF8.GetBytes(PlanFiles.Straddling(40, "\r\n"));
        var whole = PlanOf(bytes, 5);
        var trickle = RecordBoundaryPlanner.Plan(new TrickleStream(bytes), 5);
        Assert.That(trickle.Ranges, Is.EqualTo(whole.Ranges));
        Assert.That(trickle.HeaderLength, Is.EqualTo(whole.HeaderLength));
    }

    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
