using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Encodings;
using EtlFunction.Errors;
using EtlFunction.Split;
using static EtlFunction.Tests.Unit.Cleaning.CleanHarness;

namespace EtlFunction.Tests.Unit.Encodings;

/// <summary>The cleaner reads each contract encoding into exactly the text it holds, in any read sizes.</summary>
public class SourceEncodingTests
{
    private static readonly Encoding Cp1252 = new Windows1252Encoding();

    private static Outcome CleanStream(DatasetContract contract, Stream source)
    {
        using var processed = new MemoryStream();
        using var rejects = new MemoryStream();
        var result = new CsvCleaner(contract).Run(source, processed, rejects);
        Assert.That(result.Balanced, Is.True);
        return new Outcome(result, Encoding.UTF8.GetString(processed.ToArray()), Encoding.UTF8.GetString(rejects.ToArray()));
    }

    private static DatasetContract PeopleIn(string encoding) => Contract(People + $"\nencoding: {encoding}\n");

    [TestCase("windows-1252", "windows-1252")]
    [TestCase("cp1252", "windows-1252")]
    [TestCase("CP1252", "windows-1252")]
    [TestCase("utf-16le", "utf-16le")]
    [TestCase("UTF-16BE", "utf-16be")]
    [TestCase("latin1", "latin1")]
    public void Load_EncodingAlias_IsCanonical(string written, string canonical)
    {
        Assert.That(PeopleIn(written).Encoding, Is.EqualTo(canonical));
        Assert.That(SourceEncodings.Canonical(written), Is.EqualTo(canonical));
        // The canonical name loads back unchanged (an inferred contract is saved and re-read).
        Assert.That(ContractLoader.Parse(ContractWriter.ToYaml(PeopleIn(written)), "x.yaml").Encoding, Is.EqualTo(canonical));
    }

    [Test]
    public void Load_UnknownEncoding_NamesTheSupportedOnes()
    {
        var e = Assert.Throws<EtlException>(() => PeopleIn("koi8-r"));
        Assert.That(e!.Message, Does.Contain("'koi8-r' is not supported (utf-8, latin1, windows-1252 (cp1252), utf-16le or utf-16be)"));
    }

    [Test]
    public void Clean_Windows1252_ExactText()
    {
        var bytes = Cp1252.GetBytes("id,name,score\n1,Café “Crème”,1\n2,Œuvre – 5 €,2\n3,‘Zoë’ … Š™,3\n");
        var o = Clean(PeopleIn("windows-1252"), bytes);
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n1,Café “Crème”,1.00\n2,Œuvre – 5 €,2.00\n3,‘Zoë’ … Š™,3.00\n"));
        Assert.That(o.Result.RowsRejected, Is.Zero);
    }

    [Test]
    public void Clean_Windows1252UndefinedByte_RejectsThatRowWithAReason()
    {
        byte[] bytes = [.. Cp1252.GetBytes("id,name,score\n1,café,1\n2,x"), 0x9D, .. Cp1252.GetBytes("y,2\n3,€,3\n")];
        var o = Clean(PeopleIn("windows-1252"), bytes);
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n1,café,1.00\n3,€,3.00\n"));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Result.InvalidUtf8Sequences, Is.EqualTo(1));
        Assert.That(o.RejectLines[1], Does.StartWith("3,(row),\"a byte undefined in windows-1252 (0x81, 0x8D, 0x8F, 0x90 or 0x9D) in the record (shown as U+FFFD)\""));
    }

    [Test]
    public void Clean_Latin1_KeepsC1BytesAsControlCharacters()
    {
        // The difference from windows-1252: 0x80 is U+0080 in latin1, € in windows-1252.
        byte[] bytes = [.. "id,name,score\n1,a"u8, 0x80, .. ",1\n"u8];
        Assert.That(Clean(PeopleIn("latin1"), bytes).ProcessedLines[1], Is.EqualTo("1,a\u0080,1.00"));
        Assert.That(Clean(PeopleIn("windows-1252"), bytes).ProcessedLines[1], Is.EqualTo("1,a€,1.00"));
    }

    private static string SurrogateText(int rows)
    {
        var sb = new StringBuilder("id,name,score\n");
        for (var i = 1; i <= rows; i++)
        {
            // Astral characters (surrogate pairs) at shifting offsets, BMP accents, and a quoted comma.
            sb.Append(i).Append(",\"").Append(new string('é', i % 7)).Append("😀𝄞, ").Append(i % 3 == 0 ? "Ω" : "").Append("\",").Append(i % 100).Append('\n');
        }
        return sb.ToString();
    }

    [TestCase("utf-16le")]
    [TestCase("utf-16be")]
    public void Clean_Utf16WithBom_SurrogatePairsAcrossEveryBufferEdge_ExactText(string encoding)
    {
        var text = SurrogateText(4_000); // well over the reader's 64 KiB buffer, so its edges fall inside pairs
        var enc = new UnicodeEncoding(bigEndian: encoding == "utf-16be", byteOrderMark: true);
        byte[] bytes = [.. enc.GetPreamble(), .. enc.GetBytes(text)];
        var single = Clean(PeopleIn("utf-8"), Encoding.UTF8.GetBytes(text));
        Assert.That(single.Result.RowsWritten, Is.EqualTo(4_000), "the UTF-8 reference run keeps every row");

        foreach (var sizes in new[] { new[] { 1 }, new[] { 3, 1, 2 }, new[] { 65_537 }, new[] { 7, 65_535, 5 } })
        {
            var o = CleanStream(PeopleIn(encoding), new TrickleStream(bytes, sizes));
            Assert.That(o.Processed, Is.EqualTo(single.Processed), $"reads of {string.Join("/", sizes)} bytes");
            Assert.That(o.Result.RowsRejected, Is.Zero);
            Assert.That(o.Result.InvalidUtf8Sequences, Is.Zero);
        }
        Assert.That(single.ProcessedLines[1], Is.EqualTo("1,\"é😀𝄞, \",1.00"));
    }

    [Test]
    public void Clean_Utf16WithoutBom_AsTheContractSays()
    {
        var text = "id,name,score\n1,Zoë 😀,1\n";
        var o = Clean(PeopleIn("utf-16be"), Encoding.BigEndianUnicode.GetBytes(text));
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n1,Zoë 😀,1.00\n"));
    }

    [Test]
    public void Clean_Utf16UnpairedSurrogateAndOddFinalByte_RejectTheirRows()
    {
        var enc = new UnicodeEncoding(false, false);
        byte[] bytes = [.. enc.GetBytes("id,name,score\n1,a"), 0x00, 0xD8, .. enc.GetBytes(",1\n2,b,2\n3,c,3"), 0x34];
        var o = Clean(PeopleIn("utf-16le"), bytes);
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n2,b,2.00\n"));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(2), "the lone high surrogate, and the record ending in half a code unit");
        Assert.That(o.RejectLines[1], Does.StartWith("2,(row),\"invalid UTF-16LE in the record (an unpaired surrogate or a lone final byte, shown as U+FFFD)\""));
        Assert.That(o.RejectLines[2], Does.StartWith("4,(row),"));
    }

    [Test]
    public void Clean_Utf16BomUnderAUtf8Contract_FailsNamingTheEncoding()
    {
        var enc = new UnicodeEncoding(false, true);
        byte[] bytes = [.. enc.GetPreamble(), .. enc.GetBytes("id,name,score\n1,a,1\n")];
        var e = Assert.Throws<EtlException>(() => Clean(PeopleIn("utf-8"), bytes));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Is.EqualTo("the file starts with a utf-16le byte order mark but is read as utf-8: set 'encoding: utf-16le' in the contract"));
    }

    [Test]
    public void Plan_Utf16_IsNeverSplit_Windows1252SplitsLikeTheSinglePass()
    {
        var dir = Directory.CreateTempSubdirectory("etl-enc-").FullName;
        try
        {
            var text = SurrogateText(3_000);
            var utf16 = Path.Combine(dir, "u16.csv");
            File.WriteAllBytes(utf16, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
            var byBom = RecordBoundaryPlanner.Plan(utf16, 4096);
            Assert.That((byBom.IsSplit, byBom.Ranges.Count, byBom.Length), Is.EqualTo((false, 1, new FileInfo(utf16).Length)), "a UTF-16 byte order mark: one range");

            var noBom = Path.Combine(dir, "u16nobom.csv");
            File.WriteAllBytes(noBom, Encoding.Unicode.GetBytes(text));
            Assert.That(new ChunkedCleaner(PeopleIn("utf-16le"), 4) { ChunkSize = 4096 }.Plan(noBom).IsSplit, Is.False, "a UTF-16 contract: one range");
            using (var p = new MemoryStream())
            using (var r = new MemoryStream())
            {
                var result = new ChunkedCleaner(PeopleIn("utf-16le"), 4) { ChunkSize = 4096 }.Run(noBom, p, r);
                Assert.That(result.RowsWritten, Is.EqualTo(3_000));
                Assert.That(Encoding.UTF8.GetString(p.ToArray()), Is.EqualTo(Clean(PeopleIn("utf-8"), Encoding.UTF8.GetBytes(text)).Processed));
            }

            // Windows-1252 is one byte per character: the byte planner's cuts are exact.
            var cp = Path.Combine(dir, "cp.csv");
            var cpText = string.Concat(Enumerable.Range(1, 3_000).Select(i => $"{i},\"Café “{i}”\n– €\",{i % 50}\n"));
            File.WriteAllBytes(cp, Cp1252.GetBytes("id,name,score\n" + cpText));
            var split = new ChunkedCleaner(PeopleIn("windows-1252"), 4) { ChunkSize = 4096 };
            Assert.That(split.Plan(cp).Ranges, Has.Count.GreaterThan(4));
            using var sp = new MemoryStream();
            using var sr = new MemoryStream();
            var splitResult = split.Run(cp, sp, sr);
            var single = Clean(PeopleIn("windows-1252"), File.ReadAllBytes(cp));
            Assert.That(Encoding.UTF8.GetString(sp.ToArray()), Is.EqualTo(single.Processed));
            Assert.That((splitResult.RowsWritten, splitResult.RowsRejected), Is.EqualTo((3_000L, 0L)));
            Assert.That(single.Processed, Does.StartWith("id,name,score\n1,\"Café “1”\n– €\",1.00\n2,"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
