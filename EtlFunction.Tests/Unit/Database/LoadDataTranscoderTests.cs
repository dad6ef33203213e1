using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

public sealed class LoadDataTranscoderTests
{
    private static readonly DatasetContract Mixed = Contract("t", LoadMode.Append, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("s", ColumnType.String), Col("b", ColumnType.Bool), Col("d", ColumnType.Decimal(10, 2)));

    private static string Transcode(DatasetContract contract, string csv, int block = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        using var stream = new MySqlLoadDataStream(new DribbleStream(bytes, block), new LoadDataTranscoder(contract), CancellationToken.None);
        using var output = new MemoryStream();
        stream.CopyTo(output, 7);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Test]
    public void Transcode_NullsEmptyStringsEscapesAndBools_AreExact()
    {
        var csv = "id,s,b,d\n1,plain,true,1.50\n2,\"\",false,\n3,,,-0.05\n4,\"a,\"\"b\"\"\nc\r\",true,0.00\n5,back\\slash\ttab,false,1.00\n";

        var tsv = Transcode(Mixed, csv);

        Assert.That(tsv, Is.EqualTo(
            "1\tplain\t1\t1.50\n" +
            "2\t\t0\t\\N\n" +
            "3\t\\N\t\\N\t-0.05\n" +
            "4\ta,\"b\"\\nc\\r\t1\t0.00\n" +
            "5\tback\\\\slash\\ttab\t0\t1.00\n"));
    }

    [Test]
    public void Transcode_NulByteAndLiteralBackslashN_AreEscaped()
    {
        var contract = Contract("t", LoadMode.Append, [], Col("s", ColumnType.String));

        Assert.That(Transcode(contract, "s\na\0b\n\\N\nNULL\n\n"), Is.EqualTo("a\\0b\n\\\\N\nNULL\n\\N\n"));
    }

    [Test]
    public void Transcode_LastRowWithoutLineEnd_IsARow()
    {
        Assert.That(Transcode(Mixed, "id,s,b,d\n1,x,true,1.00"), Is.EqualTo("1\tx\t1\t1.00\n"));
        Assert.That(Transcode(Mixed, "id,s,b,d\n1,\"x\",true,"), Is.EqualTo("1\tx\t1\t\\N\n"));
    }

    [Test]
    public void Transcode_AnyBlockSplit_GivesTheSameBytes()
    {
        var rows = Enumerable.Range(0, 300).Select(i => new object?[]
        {
            (long)i, i % 7 == 0 ? null : i % 5 == 0 ? "" : $"v{i},\"q\"\n\t\\ é✓😀", i % 3 == 0 ? null : i % 2 == 0, i % 11 == 0 ? null : (long)i * 7,
        });
        var csv = Encoding.UTF8.GetString(Csv(Mixed, rows));
        var whole = Transcode(Mixed, csv);

        foreach (var block in new[] { 1, 2, 3, 5, 13, 64, 1000 })
        {
            Assert.That(Transcode(Mixed, csv, block), Is.EqualTo(whole), $"block {block}");
        }
        Assert.That(whole.Split('\n'), Has.Length.EqualTo(301), "300 rows, every line end inside a value escaped");
    }

    [TestCase("id,s,b,d\n1,x,maybe,1.00\n", "row 1 (column b) 'maybe' is not a canonical bool")]
    [TestCase("id,s,b,d\n1,x,true\n", "row 1 (column b) has 3 fields, expected 4")]
    [TestCase("id,s,b,d\n1,x,true,1.00,9\n", "row 1 (column d) has more than 4 fields")]
    [TestCase("id,s,b,d\n1,x\"y,true,1.00\n", "quote inside an unquoted field")]
    [TestCase("id,s,b,d\n1,\"x\"y,true,1.00\n", "text after a closing quote")]
    [TestCase("id,s,b,d\n1,\"x,true,1.00\n", "ends inside a quoted field")]
    [TestCase("id,s,b\n1,x,true\n", "header [id,s,b] does not match contract 't' [id,s,b,d]")]
    [TestCase("", "is empty")]
    [TestCase("id,s,b,d\n2,x,true,1.00\n,y,false,1.00\n", "NULL in NOT NULL column t.id in table `t`, processed CSV row 2")]
    public void Transcode_NotCanonical_IsInvalidInputNamingTheRow(string csv, string message)
    {
        var e = Assert.Throws<EtlException>(() => Transcode(Mixed, csv, 3));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void Transcode_RowLongerThanTheBlock_GrowsTheBlock()
    {
        var contract = Contract("t", LoadMode.Append, [], Col("s", ColumnType.String), Col("n", ColumnType.Int32));
        var big = new string('x', 3 << 20);

        var tsv = Transcode(contract, $"s,n\n{big},1\nsmall,2\n", 1 << 16);

        Assert.That(tsv, Is.EqualTo($"{big}\t1\nsmall\t2\n"));
    }

    [Test]
    public void Transcode_MillionRows_InMegabyteBlocks_IsExact()
    {
        var csv = LoadDataTranscoderBenchmark.MillionRowsCsv();
        var transcoder = new LoadDataTranscoder(LoadDataTranscoderBenchmark.Orders);
        var output = new byte[LoadDataTranscoder.MaxOutput(1 << 20)];
        using var tsv = new MemoryStream();
        var at = 0;
        while (at < csv.Length)
        {
            var n = Math.Min(1 << 20, csv.Length - at);
            var written = transcoder.Transcode(csv.AsSpan(at, n), at + n == csv.Length, output, out var consumed);
            tsv.Write(output, 0, written);
            at += consumed;
        }
        var lines = Encoding.UTF8.GetString(tsv.ToArray()).Split('\n');

        Assert.That(transcoder.Rows, Is.EqualTo(1_000_000));
        Assert.That(lines, Has.Length.EqualTo(1_000_001), "one line per row, the last one ended");
        Assert.That(lines[^1], Is.Empty);
        Assert.That(lines[0], Is.EqualTo("0\tuser0@example.com\tDE\t0.00\t2024-01-01\t2023-11-14 22:13:20\t1\t\\N\t0"));
        Assert.That(lines[1], Is.EqualTo("1\tuser1@example.com\tDE\t0.13\t2024-01-02\t2023-11-14 22:13:21\t0\t\t1"));
        Assert.That(lines[3], Is.EqualTo("3\tuser3@example.com\tDE\t0.39\t2024-01-04\t2023-11-14 22:13:23\t0\tgift, \"wrapped\"\t3"));
        Assert.That(lines[999_999], Is.EqualTo("999999\tuser999999@example.com\tDE\t129999.87\t2024-01-08\t2023-11-26 11:59:59\t0\tgift, \"wrapped\"\t99"));
    }

    /// <summary>Returns at most <c>block</c> bytes per read, like a network stream.</summary>
    private sealed class DribbleStream(byte[] data, int block) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, block));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, block)]);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, block)], cancellationToken);
    }
}
