using System.Text;
using EtlFunction.Encodings;

namespace EtlFunction.Tests.Unit.Encodings;

public class Windows1252EncodingTests
{
    /// <summary>The reference table (unicode.org's CP1252.TXT) for 0x80–0x9F; null for the five undefined bytes.</summary>
    private static readonly (byte Byte, char? Char)[] High =
    [
        (0x80, '€'), (0x81, null), (0x82, '‚'), (0x83, 'ƒ'), (0x84, '„'), (0x85, '…'), (0x86, '†'), (0x87, '‡'),
        (0x88, 'ˆ'), (0x89, '‰'), (0x8A, 'Š'), (0x8B, '‹'), (0x8C, 'Œ'), (0x8D, null), (0x8E, 'Ž'), (0x8F, null),
        (0x90, null), (0x91, '\u2018'), (0x92, '\u2019'), (0x93, '\u201C'), (0x94, '\u201D'), (0x95, '•'), (0x96, '–'), (0x97, '—'),
        (0x98, '˜'), (0x99, '™'), (0x9A, 'š'), (0x9B, '›'), (0x9C, 'œ'), (0x9D, null), (0x9E, 'ž'), (0x9F, 'Ÿ'),
    ];

    [Test]
    public void GetString_EveryDefinedByte_MatchesTheReferenceTable()
    {
        var enc = new Windows1252Encoding(DecoderFallback.ExceptionFallback);
        for (var b = 0; b < 256; b++)
        {
            if (b is >= 0x80 and <= 0x9F) continue;
            Assert.That(enc.GetString([(byte)b]), Is.EqualTo(((char)b).ToString()), $"0x{b:X2} is its Latin-1 code point");
        }
        foreach (var (b, c) in High.Where(h => h.Char is not null))
        {
            Assert.That(enc.GetString([b]), Is.EqualTo(c.ToString()), $"0x{b:X2}");
        }
    }

    [TestCase((byte)0x81)]
    [TestCase((byte)0x8D)]
    [TestCase((byte)0x8F)]
    [TestCase((byte)0x90)]
    [TestCase((byte)0x9D)]
    public void GetString_UndefinedByte_GoesToTheFallback(byte b)
    {
        Assert.That(new Windows1252Encoding().GetString([0x41, b, 0x42]), Is.EqualTo("A\uFFFDB"), "replacement fallback by default");
        Assert.That(Windows1252Encoding.IsUndefined(b), Is.True);
        Assert.Throws<DecoderFallbackException>(() => new Windows1252Encoding(DecoderFallback.ExceptionFallback).GetString([0x41, b]));
        Assert.That(new Windows1252Encoding(new DecoderReplacementFallback("<?>")).GetCharCount([b, b]), Is.EqualTo(6), "the count follows the fallback's width");
    }

    [Test]
    public void GetString_MixedText_DecodesAsciiRunsAndTheHighHalf()
    {
        // "Café “Crème” – 5 €" as Windows writes it, repeated past the vectorized ASCII width.
        byte[] one = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x43, 0x72, 0xE8, 0x6D, 0x65, 0x94, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80];
        var bytes = Enumerable.Repeat(one, 50).SelectMany(x => x).Concat(Enumerable.Repeat((byte)'a', 100)).ToArray();
        var text = new Windows1252Encoding().GetString(bytes);
        Assert.That(text, Is.EqualTo(string.Concat(Enumerable.Repeat("Café “Crème” – 5 €", 50)) + new string('a', 100)));
    }

    [Test]
    public void GetBytes_EveryDefinedCharacter_RoundTrips()
    {
        var enc = new Windows1252Encoding();
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => !Windows1252Encoding.IsUndefined(b)).ToArray();
        var text = enc.GetString(bytes);
        Assert.That(text, Has.Length.EqualTo(251));
        Assert.That(enc.GetBytes(text), Is.EqualTo(bytes));
        Assert.That(enc.GetBytes("Ā😀"), Is.EqualTo("???"u8.ToArray()), "what Windows-1252 cannot hold becomes '?'");
    }

    [Test]
    public void StreamReader_ReadsThroughTheEncoding_OneByteAtATime()
    {
        var text = string.Concat(Enumerable.Repeat("Zoë’s “naïve” résumé costs 3 €;\n", 500));
        var bytes = new Windows1252Encoding().GetBytes(text);
        using var reader = new StreamReader(new TrickleStream(bytes, [1, 7, 3]), new Windows1252Encoding(), false, 16);
        Assert.That(reader.ReadToEnd(), Is.EqualTo(text));
    }
}
