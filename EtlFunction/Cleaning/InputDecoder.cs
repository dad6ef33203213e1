using System.Text;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Cleaning;

/// <summary>
/// Turns a raw object stream into text for the CSV reader: counts the compressed bytes read (for
/// MB/s), transparently inflates gzip (by magic bytes, whatever the key says; every member's CRC32
/// and size checked by <see cref="GzipVerifyingStream"/>), refuses binary
/// files (a NUL byte in the first 64 KiB) with <see cref="ErrorType.InvalidInput"/>, skips a UTF-8
/// BOM, and decodes with a fallback that counts invalid UTF-8 sequences instead of failing the
/// whole file, so the rows that contain them can be rejected one by one.
/// </summary>
public sealed class InputDecoder : IDisposable
{
    private readonly CountingStream _counting;
    private readonly CountingDecoderFallback _fallback = new();

    public TextReader Reader { get; }
    /// <summary>Bytes read from the object so far (compressed bytes for gzip).</summary>
    public long BytesRead => _counting.Count;
    /// <summary>Invalid byte sequences replaced by U+FFFD so far.</summary>
    public long InvalidSequences => _fallback.Count;
    public bool Gzip { get; }

    /// <summary>Wraps <paramref name="source"/>. <paramref name="sniffBinary"/> is false for a piece of a split file: the whole-file check looks at the file's first 64 KiB only, and the split run checks those before cutting.</summary>
    public InputDecoder(Stream source, string encoding = "utf-8", bool sniffBinary = true)
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
        var peek = new byte[SniffBytes];
        var m = ReadAtLeast(data, peek);
        if (sniffBinary) EnsureText(peek.AsSpan(0, m));
        var bom = encoding != "latin1" && m >= 3 && peek[0] == 0xEF && peek[1] == 0xBB && peek[2] == 0xBF ? 3 : 0;
        data = new PrefixStream(peek.AsMemory(bom, m - bom), data);
        var enc = encoding == "latin1"
            ? Encoding.Latin1
            : Encoding.GetEncoding("utf-8", EncoderFallback.ExceptionFallback, _fallback);
        // BOM handled above: StreamReader's own detection would swap in an encoding without our fallback.
        Reader = new StreamReader(data, enc, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
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

    public void Dispose() => Reader.Dispose();

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
