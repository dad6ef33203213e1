using System.Buffers;
using System.Text;

namespace EtlFunction.Encodings;

/// <summary>
/// Windows-1252 from a static table, so the pipeline needs neither System.Text.Encoding.CodePages
/// nor its 700 KB of tables. It is Latin-1 except in 0x80–0x9F, where Windows puts the curly quotes,
/// the dashes, € and a few letters (Š, Œ, Ž, …) instead of C1 controls — the bytes a spreadsheet
/// saved "as CSV" on Windows is full of. The five bytes Windows leaves undefined (0x81, 0x8D, 0x8F,
/// 0x90, 0x9D) go to the <see cref="Encoding.DecoderFallback"/> rather than being mapped to C1
/// controls as the WHATWG table does: in a CSV they mean the file is not Windows-1252 after all, and
/// the cleaner rejects their row with a reason instead of loading a silent control character.
/// </summary>
/// <remarks>
/// Decoding widens ASCII runs with the vectorized <see cref="Ascii.ToUtf16"/> and looks up the
/// rest, so it costs about what Latin-1 does. Encoding (for tools and tests that write such files)
/// maps each character to its byte and anything Windows-1252 cannot hold to <c>?</c>.
/// </remarks>
public sealed class Windows1252Encoding : Encoding
{
    /// <summary>Windows-1252's 0x80–0x9F; U+FFFD marks the five undefined bytes (no defined byte maps to U+FFFD).</summary>
    private static readonly char[] High =
    [
        '\u20AC', '\uFFFD', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\uFFFD', '\u017D', '\uFFFD',
        '\uFFFD', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\uFFFD', '\u017E', '\u0178',
    ];

    private static readonly char[] Table = BuildTable();
    private static readonly Dictionary<char, byte> Reverse = BuildReverse();
    private static readonly SearchValues<byte> UndefinedBytes = SearchValues.Create([0x81, 0x8D, 0x8F, 0x90, 0x9D]);

    /// <summary>A Windows-1252 encoding whose undefined bytes go to <paramref name="decoderFallback"/> (U+FFFD by default).</summary>
    public Windows1252Encoding(DecoderFallback? decoderFallback = null)
        : base(1252, EncoderFallback.ReplacementFallback, decoderFallback ?? new DecoderReplacementFallback("\uFFFD"))
    {
    }

    /// <summary>True for a byte Windows-1252 does not define.</summary>
    public static bool IsUndefined(byte b) => Table[b] == '\uFFFD';

    /// <summary>The offset of the first undefined byte in <paramref name="bytes"/>, or -1.</summary>
    public static int IndexOfUndefined(ReadOnlySpan<byte> bytes) => bytes.IndexOfAny(UndefinedBytes);

    public override string WebName => "windows-1252";
    public override string EncodingName => "Western European (Windows)";
    public override string BodyName => WebName;
    public override string HeaderName => WebName;
    public override bool IsSingleByte => true;

    public override int GetMaxCharCount(int byteCount) => checked(byteCount * Math.Max(1, DecoderFallback.MaxCharCount));
    public override int GetMaxByteCount(int charCount) => checked(charCount + 1);

    public override int GetCharCount(byte[] bytes, int index, int count) => GetCharCount(bytes.AsSpan(index, count));

    public override int GetCharCount(ReadOnlySpan<byte> bytes)
    {
        var total = bytes.Length;
        var i = 0;
        while (true)
        {
            var rel = IndexOfUndefined(bytes[i..]);
            if (rel < 0) return total;
            i += rel;
            var fallback = DecoderFallback.CreateFallbackBuffer();
            total += (fallback.Fallback([bytes[i]], i) ? fallback.Remaining : 0) - 1;
            i++;
        }
    }

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var table = Table;
        var i = 0;
        var written = 0;
        while (i < bytes.Length)
        {
            var status = Ascii.ToUtf16(bytes[i..], chars[written..], out var ascii);
            i += ascii;
            written += ascii;
            if (status == OperationStatus.Done) break;
            if (status == OperationStatus.DestinationTooSmall) throw TooSmall();
            // A non-ASCII run: look each byte up until the next ASCII byte.
            while (i < bytes.Length && bytes[i] >= 0x80)
            {
                var c = table[bytes[i]];
                if (c != '\uFFFD')
                {
                    if (written >= chars.Length) throw TooSmall();
                    chars[written++] = c;
                }
                else
                {
                    written += Fallback(bytes[i], i, chars[written..]);
                }
                i++;
            }
        }
        return written;
    }

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetByteCount(ReadOnlySpan<char> chars) => chars.Length;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        if (bytes.Length < chars.Length) throw new ArgumentException("the destination is too small", nameof(bytes));
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            bytes[i] = c < 0x80 || c is >= '\u00A0' and <= '\u00FF' ? (byte)c
                : Reverse.TryGetValue(c, out var b) ? b
                : (byte)'?';
        }
        return chars.Length;
    }

    private int Fallback(byte b, int index, Span<char> destination)
    {
        var fallback = DecoderFallback.CreateFallbackBuffer();
        if (!fallback.Fallback([b], index)) return 0;
        var n = 0;
        while (fallback.Remaining > 0)
        {
            if (n >= destination.Length) throw TooSmall();
            destination[n++] = fallback.GetNextChar();
        }
        return n;
    }

    private static ArgumentException TooSmall() => new("the destination is too small for the decoded characters", "chars");

    private static char[] BuildTable()
    {
        var t = new char[256];
        for (var b = 0; b < 256; b++) t[b] = (char)b;
        High.CopyTo(t, 0x80);
        return t;
    }

    private static Dictionary<char, byte> BuildReverse()
    {
        var d = new Dictionary<char, byte>();
        for (var i = 0; i < High.Length; i++)
        {
            if (High[i] != '\uFFFD') d[High[i]] = (byte)(0x80 + i);
        }
        return d;
    }
}
