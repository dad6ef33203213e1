using System.Text;
using CsCheck;
using EtlFunction.Cleaning;
using nietras.SeparatedValues;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// The cleaner's own UTF-8 record reader (<see cref="Utf8RecordReader"/> on the reading thread,
/// <see cref="RecordDecoder"/> on the workers) must find exactly the records, lines and fields the CSV
/// reader it replaced (Sep over decoded text) found: the rejects quote both line numbers and raw records.
/// The first record's line is left out of the comparison: Sep reports it as line 2 (the header's line was
/// never used; from the second record on both count the same).
/// </summary>
public sealed class Utf8RecordReaderFuzzTests
{
    private static readonly char[] Alphabet = ['a', 'b', ',', ';', '"', '"', '\n', '\r', ' ', 'é', '€'];

    private static readonly Gen<string> Text =
        Gen.Int[0, Alphabet.Length - 1].Array[0, 60].Select(ix => new string(ix.Select(i => Alphabet[i]).ToArray()));

    [Test]
    public void Records_RandomText_MatchTheCsvReader()
    {
        Fuzz.Check(Text, text =>
        {
            foreach (var delimiter in new[] { ',', ';' })
            {
                Assert.That(Ours(text, delimiter, 1), Is.EqualTo(Sep(text, delimiter)), Show(text));
            }
        }, 3000, Show);
    }

    [Test]
    public void Records_RecordLongerThanTheBuffer_MatchTheCsvReader()
    {
        var text = "h,i\n\"" + new string('x', 300_000) + "\r\n\",y\r\nlast,\"\n";
        Assert.That(Ours(text, ',', 7), Is.EqualTo(Sep(text, ',')));
    }

    private static readonly byte[] ByteAlphabet = [(byte)'a', (byte)',', (byte)';', (byte)'"', (byte)' ', 0xFF, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F];

    /// <summary>
    /// Decode splits an ASCII record on its bytes, sixteen at a time, and any other on its characters: on any bytes,
    /// valid UTF-8 or not, the fields must be those of one character loop over the decoded text.
    /// </summary>
    [Test]
    public void Decode_RandomBytes_FieldsOfTheDecodedText()
    {
        var bytes = Gen.Int[0, ByteAlphabet.Length - 1].Array[0, 90].Select(ix => ix.Select(i => ByteAlphabet[i]).ToArray());
        Fuzz.Check(bytes, record =>
        {
            foreach (var delimiter in new[] { ',', ';' })
            {
                var row = new RecordDecoder(delimiter).Decode(record, 1);
                var fields = new List<string>();
                for (var i = 0; i < row.ColCount; i++) fields.Add(row[i].ToString());
                Assert.That(fields, Is.EqualTo(CharacterSplit(record, delimiter)), Convert.ToHexString(record));
            }
        }, 3000, Convert.ToHexString);
    }

    private static List<string> CharacterSplit(byte[] record, char delimiter)
    {
        var chars = new char[record.Length];
        var text = chars.AsSpan(0, RecordDecoder.ToUtf16(record, chars, out _)).ToString();
        var fields = new List<string>();
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') inQuotes = !inQuotes;
            else if (text[i] == delimiter && !inQuotes)
            {
                fields.Add(text[start..i]);
                start = i + 1;
            }
        }
        fields.Add(text[start..]);
        return fields;
    }

    [Test]
    public void Decode_InvalidUtf8_OneReplacementPerMaximalSubpartCounted()
    {
        byte[] bytes = [(byte)'a', 0xE2, 0x82, (byte)',', 0xFF, 0xC3, 0xA9, 0xF0, 0x9F];
        var decoder = new RecordDecoder(',');
        var row = decoder.Decode(bytes, 1);
        var expected = new UTF8Encoding(false, false).GetString(bytes);
        Assert.That(row.Span.ToString(), Is.EqualTo(expected));
        Assert.That(decoder.Invalid, Is.EqualTo(3));
        Assert.That(row.ColCount, Is.EqualTo(2));
    }

    private static string Show(string text) => "\"" + text.Replace("\r", "\\r").Replace("\n", "\\n") + "\"";

    /// <summary>Each record as "line|field|field…", read from a stream that returns at most <paramref name="chunk"/> bytes a read.</summary>
    private static List<string> Ours(string text, char delimiter, int chunk)
    {
        var reader = new Utf8RecordReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk));
        var decoder = new RecordDecoder(delimiter);
        var records = new List<string>();
        while (reader.TryNext(out var bytes))
        {
            var row = decoder.Decode(bytes, reader.Line);
            var fields = new List<string>();
            for (var i = 0; i < row.ColCount; i++) fields.Add(row[i].ToString());
            records.Add($"{(records.Count == 0 ? "" : row.Line)}|{row.Span.ToString()}|{string.Join("|", fields)}");
        }
        return records;
    }

    private static List<string> Sep(string text, char delimiter)
    {
        using var reader = nietras.SeparatedValues.Sep.Reader(o => o with
        {
            Sep = new Sep(delimiter),
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = false,
        }).From(new StringReader(text));
        var records = new List<string>();
        foreach (var row in reader)
        {
            var fields = new List<string>();
            for (var i = 0; i < row.ColCount; i++) fields.Add(row[i].Span.ToString());
            records.Add($"{(records.Count == 0 ? "" : row.LineNumberFrom)}|{row.Span.ToString()}|{string.Join("|", fields)}");
        }
        return records;
    }

    /// <summary>Returns at most a few bytes per read, so records and <c>\r\n</c> straddle refills.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
