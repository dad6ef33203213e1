using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace EtlFunction.Encodings;

/// <summary>What <see cref="EncodingDetector"/> decided, and the evidence, worded for the contract's note.</summary>
/// <param name="Encoding">The canonical encoding name (see <see cref="SourceEncodings"/>).</param>
/// <param name="Reason">Why, e.g. "bytes are not valid UTF-8 at offset 1,234; decoded as windows-1252".</param>
public sealed record EncodingDetection(string Encoding, string Reason);

/// <summary>
/// Guesses a source file's encoding from its first <see cref="HeadBytes"/> bytes, for contract
/// inference. Order: a byte order mark decides (UTF-8, UTF-16 LE, UTF-16 BE); else bytes that are
/// valid UTF-8 are UTF-8 (ASCII included); else, when no byte is one of the five Windows-1252 leaves
/// undefined, Windows-1252 — the encoding of nearly every non-UTF-8 CSV from Western Europe and the
/// Americas, and a superset of Latin-1's printable characters. A head that is neither stays UTF-8,
/// and a run rejects the rows holding the invalid bytes, as without detection.
/// </summary>
/// <remarks>
/// The head is read once and replayed to the decoder (<see cref="Cleaning.InputDecoder"/>), so the
/// detection costs one pass over 1 MiB, never a second read of the file. UTF-8 validity is checked
/// with the vectorized <see cref="Utf8.IsValid"/>; only a head that fails it is decoded again to find the
/// offset — and to forgive a multi-byte sequence that the 1 MiB cut leaves incomplete at its end.
/// A file whose first non-UTF-8 byte comes after the head is detected as UTF-8; the inference note
/// then counts the invalid sequences the full scan met.
/// </remarks>
public static class EncodingDetector
{
    /// <summary>How many leading bytes the detector looks at.</summary>
    public const int HeadBytes = 1 << 20;

    /// <summary>Detects the encoding of <paramref name="head"/>; <paramref name="atEnd"/> is true when the head is the whole file.</summary>
    public static EncodingDetection Detect(ReadOnlySpan<byte> head, bool atEnd)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return new(SourceEncodings.Utf8, "UTF-8 byte order mark (EF BB BF), skipped");
        if (SourceEncodings.Utf16ByBom(head) is { } utf16)
        {
            var bom = utf16 == SourceEncodings.Utf16Le ? "FF FE" : "FE FF";
            return new(utf16, $"UTF-16 {(utf16 == SourceEncodings.Utf16Le ? "LE" : "BE")} byte order mark ({bom}), skipped");
        }
        var invalid = FirstInvalidUtf8(head, atEnd);
        var scope = atEnd ? "the whole file" : $"the first {Size(head.Length)}";
        if (invalid < 0)
        {
            return new(SourceEncodings.Utf8, Ascii(head) ? $"{scope} is ASCII: read as utf-8" : $"{scope} is valid UTF-8");
        }
        var undefined = Windows1252Encoding.IndexOfUndefined(head);
        if (undefined >= 0)
        {
            return new(SourceEncodings.Utf8,
                $"bytes are not valid UTF-8 at offset {Count(invalid)}, and byte 0x{head[undefined]:X2} at offset {Count(undefined)} is undefined in windows-1252: "
                + "kept utf-8; a run rejects the rows with invalid bytes");
        }
        return new(SourceEncodings.Windows1252, $"bytes are not valid UTF-8 at offset {Count(invalid)}; decoded as windows-1252");
    }

    /// <summary>
    /// The offset of the first byte that cannot start or continue a UTF-8 sequence, or -1. When
    /// <paramref name="atEnd"/> is false a sequence cut by the end of <paramref name="head"/> is not an
    /// error: its remaining bytes are simply beyond what was read.
    /// </summary>
    public static int FirstInvalidUtf8(ReadOnlySpan<byte> head, bool atEnd)
    {
        if (Utf8.IsValid(head)) return -1;
        var chars = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            var pos = 0;
            while (true)
            {
                var status = Utf8.ToUtf16(head[pos..], chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: atEnd);
                pos += read;
                switch (status)
                {
                    case OperationStatus.Done:
                    case OperationStatus.NeedMoreData: // only a valid prefix of a sequence is left, cut by the head's end
                        return -1;
                    case OperationStatus.InvalidData:
                        return pos;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool Ascii(ReadOnlySpan<byte> head) => System.Text.Ascii.IsValid(head);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Size(int bytes) => bytes == HeadBytes ? "1 MiB" : Count(bytes) + " bytes";
}
