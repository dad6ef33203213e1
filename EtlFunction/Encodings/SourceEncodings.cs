using System.Text;

namespace EtlFunction.Encodings;

/// <summary>
/// The encodings a source file may be in, by the canonical names a contract's <c>encoding:</c> holds,
/// and what each means for reading: the decoder (always with the caller's fallback, so an invalid
/// byte becomes U+FFFD and rejects its row instead of failing the file), the byte order mark to skip,
/// and whether the file can be cut at byte offsets. The processed CSV is UTF-8 whatever the source was.
/// </summary>
public static class SourceEncodings
{
    public const string Utf8 = "utf-8";
    /// <summary>ISO-8859-1: every byte is the code point of the same number (0x80–0x9F are C1 controls).</summary>
    public const string Latin1 = "latin1";
    /// <summary>Latin-1 with printable characters in 0x80–0x9F (curly quotes, €, …); see <see cref="Windows1252Encoding"/>.</summary>
    public const string Windows1252 = "windows-1252";
    public const string Utf16Le = "utf-16le";
    public const string Utf16Be = "utf-16be";

    /// <summary>The canonical name of an encoding a contract may name (aliases included), or null when it is not supported.</summary>
    public static string? Canonical(string name) => name.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Utf8,
        "latin1" or "iso-8859-1" or "latin-1" => Latin1,
        "windows-1252" or "cp1252" => Windows1252,
        "utf-16le" or "utf-16-le" => Utf16Le,
        "utf-16be" or "utf-16-be" => Utf16Be,
        _ => null,
    };

    /// <summary>The list of names for messages.</summary>
    public const string Supported = "utf-8, latin1, windows-1252 (cp1252), utf-16le or utf-16be";

    /// <summary>True for the two-byte encodings: a byte 0x0A or 0x22 can be half of any character, so the file cannot be cut by bytes, and NUL bytes are normal text.</summary>
    public static bool IsUtf16(string? encoding) => encoding is Utf16Le or Utf16Be;

    /// <summary>A decoder for <paramref name="encoding"/> (canonical) that sends invalid input to <paramref name="fallback"/>.</summary>
    public static Encoding Create(string encoding, DecoderFallback fallback) => encoding switch
    {
        Latin1 => Encoding.Latin1, // every byte is defined: nothing can fall back
        Windows1252 => new Windows1252Encoding(fallback),
        Utf16Le => Encoding.GetEncoding(1200, EncoderFallback.ExceptionFallback, fallback),
        Utf16Be => Encoding.GetEncoding(1201, EncoderFallback.ExceptionFallback, fallback),
        _ => Encoding.GetEncoding(Utf8, EncoderFallback.ExceptionFallback, fallback),
    };

    /// <summary>
    /// How many leading bytes of <paramref name="head"/> are the byte order mark of <paramref name="encoding"/>
    /// (skipped before decoding). The single-byte encodings have none: their bytes are all text.
    /// </summary>
    public static int BomLength(string encoding, ReadOnlySpan<byte> head) => encoding switch
    {
        Utf8 when head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) => 3,
        Utf16Le when head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) => 2,
        Utf16Be when head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) => 2,
        _ => 0,
    };

    /// <summary>The UTF-16 encoding whose byte order mark starts <paramref name="head"/>, or null.</summary>
    public static string? Utf16ByBom(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Utf16Le
        : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Utf16Be
        : null;

    /// <summary>The reject reason for a record holding a byte sequence <paramref name="encoding"/> cannot decode (shown as U+FFFD).</summary>
    public static string InvalidReason(string encoding) => encoding switch
    {
        Windows1252 => "a byte undefined in windows-1252 (0x81, 0x8D, 0x8F, 0x90 or 0x9D) in the record (shown as U+FFFD)",
        Utf16Le or Utf16Be => $"invalid {encoding.ToUpperInvariant()} in the record (an unpaired surrogate or a lone final byte, shown as U+FFFD)",
        _ => "invalid UTF-8 byte sequence in the record (shown as U+FFFD)",
    };
}
