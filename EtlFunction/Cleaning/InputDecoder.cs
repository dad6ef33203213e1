using System.Text;
using EtlFunction.Encodings;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Cleaning;

/// <summary>
/// Turns a raw object stream into text for the CSV reader: counts the compressed bytes read (for
/// MB/s), transparently inflates gzip (by magic bytes, whatever the key says; every member's CRC32
/// and size checked by <see cref="GzipVerifyingStream"/>), refuses binary
/// files (a NUL byte in the first 64 KiB) with <see cref="ErrorType.InvalidInput"/>, skips the
/// encoding's byte order mark, and decodes with a fallback that counts invalid sequences instead of
/// failing the whole file, so the rows that contain them can be rejected one by one. With no
/// encoding given (inference) it detects one from the first 1 MiB (<see cref="EncodingDetector"/>),
/// which it reads once and replays to the decoder.
/// </summary>
/// <remarks>
/// The cleaner reads <see cref="Utf8"/>: a UTF-8 file's bytes as they are (no decoding on the reading
/// thread; the workers decode each record and count its invalid sequences through
/// <see cref="AddInvalid"/>), any other encoding transcoded to UTF-8 by a stream that decodes with the
/// counting fallback. Inference reads <see cref="Reader"/>; a decoder serves one of the two.
/// The decoding is the <see cref="StreamReader"/>'s stateful decoder over the byte stream: a
/// multi-byte UTF-8 sequence, a UTF-16 code unit or a surrogate pair cut by a read boundary is
/// carried to the next read, never split. Memory stays bounded by the reader's buffers (and the
/// 1 MiB head while detecting).
/// </remarks>
public sealed class InputDecoder : IDisposable
{
    private readonly CountingStream _counting;
    private readonly CountingDecoderFallback _fallback = new();
    private readonly Stream _data;
    private TextReader? _reader;
    private Stream? _utf8;
    private long _invalidInRecords;

    /// <summary>The text, decoded (for inference; the cleaner reads <see cref="Utf8"/>).</summary>
    public TextReader Reader => _reader ??= _utf8 is null
        // BOM handled in the constructor: StreamReader's own detection would swap in an encoding without our fallback.
        ? new StreamReader(_data, SourceEncodings.Create(Encoding, _fallback), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16)
        : throw new InvalidOperationException("the input is already read as UTF-8 bytes");

    /// <summary>
    /// The text as UTF-8 bytes, byte order mark skipped: a UTF-8 file as it is (invalid sequences included,
    /// for the reader of each record to replace and count), any other encoding transcoded (an undecodable
    /// sequence becomes U+FFFD, counted by the fallback).
    /// </summary>
    public Stream Utf8 => _utf8 ??= _reader is not null
        ? throw new InvalidOperationException("the input is already read as text")
        : IsUtf8 ? _data
        : System.Text.Encoding.CreateTranscodingStream(_data, SourceEncodings.Create(Encoding, _fallback), new UTF8Encoding(false), leaveOpen: false);

    /// <summary>True when <see cref="Utf8"/> is the file's own bytes: invalid sequences are found (and counted) per record.</summary>
    public bool IsUtf8 => Encoding == SourceEncodings.Utf8;

    /// <summary>Bytes read from the object so far (compressed bytes for gzip).</summary>
    public long BytesRead => _counting.Count;
    /// <summary>Invalid byte sequences replaced by U+FFFD so far.</summary>
    public long InvalidSequences => _fallback.Count + Interlocked.Read(ref _invalidInRecords);

    /// <summary>Counts invalid sequences found while decoding records of a UTF-8 file (thread-safe).</summary>
    internal void AddInvalid(long n)
    {
        if (n != 0) Interlocked.Add(ref _invalidInRecords, n);
    }
    public bool Gzip { get; }
    /// <summary>The encoding the text is decoded with (canonical name, see <see cref="SourceEncodings"/>).</summary>
    public string Encoding { get; }
    /// <summary>What the detector decided and why; null when the encoding was given.</summary>
    public EncodingDetection? Detection { get; }
    /// <summary>The reject reason for a record that holds a sequence the encoding cannot decode.</summary>
    public string InvalidReason { get; }

    /// <summary>
    /// Wraps <paramref name="source"/>, decoding it as <paramref name="encoding"/> (a canonical name), or as
    /// <see cref="EncodingDetector"/> decides from the first 1 MiB when it is null. <paramref name="sniffBinary"/> is false for a piece of a split file: the whole-file check looks at the file's first 64 KiB only, and the split run checks those before cutting.
    /// </summary>
    public InputDecoder(Stream source, string? encoding = SourceEncodings.Utf8, bool sniffBinary = true)
    {
        _counting = new CountingStream(source);
        var buffered = new BufferedStream(_counting, 1 << 16);
        var head = new byte[2];
        var n = ReadAtLeast(buffered, head);
        Stream data = new PrefixStream(head.AsMemory(0, n), buffered);
        if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            Gzip = true;
            data = new GzipVerifyingStream(data);
        }
        var peek = new byte[encoding is null ? EncodingDetector.HeadBytes : SniffBytes];
        var m = ReadAtLeast(data, peek);
        var start = peek.AsSpan(0, m);
        if (encoding is null)
        {
            Detection = EncodingDetector.Detect(start, atEnd: m < peek.Length);
            encoding = Detection.Encoding;
        }
        Encoding = encoding;
        InvalidReason = SourceEncodings.InvalidReason(encoding);
        if (sniffBinary && !SourceEncodings.IsUtf16(encoding))
        {
            if (SourceEncodings.Utf16ByBom(start) is { } utf16)
            {
                throw new EtlException(ErrorType.InvalidInput, $"the file starts with a {utf16} byte order mark but is read as {encoding}: set 'encoding: {utf16}' in the contract");
            }
            EnsureText(start[..Math.Min(m, SniffBytes)]);
        }
        var bom = SourceEncodings.BomLength(encoding, start);
        _data = new PrefixStream(peek.AsMemory(bom, m - bom), data);
    }

    /// <summary>How many leading bytes <see cref="EnsureText"/> looks at.</summary>
    internal const int SniffBytes = 64 << 10;

    /// <summary>Refuses a binary file: a NUL byte in its first <see cref="SniffBytes"/> bytes.</summary>
    internal static void EnsureText(ReadOnlySpan<byte> head)
    {
        var nul = head.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new EtlException(ErrorType.InvalidInput, $"the file is not text (a NUL byte at offset {nul:N0}); expected CSV");
        }
    }

    private static int ReadAtLeast(Stream s, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var r = s.Read(buffer, total, buffer.Length - total);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _utf8?.Dispose();
        _data.Dispose();
    }

    /// <summary>Replaces each invalid sequence with U+FFFD and counts it.</summary>
    private sealed class CountingDecoderFallback : DecoderFallback
    {
        public long Count;
        public override int MaxCharCount => 1;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        private sealed class Buffer(CountingDecoderFallback owner) : DecoderFallbackBuffer
        {
            private int _left;
            public override int Remaining => _left;
            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                Interlocked.Increment(ref owner.Count);
                _left = 1;
                return true;
            }
            public override char GetNextChar()
            {
                if (_left == 0) return '\0';
                _left--;
                return '\uFFFD';
            }
            public override bool MovePrevious()
            {
                if (_left != 0) return false;
                _left = 1;
                return true;
            }
        }
    }
}

/// <summary>A read-only stream that counts the bytes that pass through it.</summary>
public sealed class CountingStream(Stream inner) : ForwardReadStream
{
    private long _count;
    public long Count => Interlocked.Read(ref _count);
    public override long Length => inner.Length;
    public override long Position { get => _count; set => throw new NotSupportedException(); }
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Interlocked.Add(ref _count, n);
        return n;
    }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _count, n);
        return n;
    }
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Replays bytes already read (for sniffing) before the rest of the stream.</summary>
internal sealed class PrefixStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardReadStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
    protected override void Dispose(bool disposing)
    {
        if (disposing) rest.Dispose();
        base.Dispose(disposing);
    }
}
