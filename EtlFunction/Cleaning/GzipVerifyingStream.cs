using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Cleaning;

/// <summary>
/// Inflates a gzip stream (RFC 1952), one member after another, and verifies every member end to end:
/// the header (magic, method 8, reserved flag bits, the optional FHCRC header checksum), the deflate
/// data (corrupt data, or data that ends before its final block), and the 8-byte trailer (CRC32 and
/// ISIZE of the member's output, computed here with <see cref="Crc32"/>). Any failure is
/// <see cref="ErrorType.InvalidInput"/> naming the problem and the compressed byte offset, raised
/// from <see cref="Read"/> at the latest when the last byte has been read, so a reader that consumes
/// the stream to its end before committing never commits a truncated or corrupt file.
/// <para>
/// Concatenated members are one stream (as gzip -d reads them). After the last member only zero
/// bytes may follow (tape/block padding, which gzip -d also ignores); any other trailing byte fails.
/// </para>
/// <para>
/// .NET's <see cref="GZipStream"/> returns end of stream for input cut inside the deflate data or
/// the trailer, and reports a CRC mismatch as "unsupported compression method"; hence this class.
/// <see cref="DeflateStream"/> reads ahead of the end of the deflate data and does not say how far
/// (dotnet/runtime#73770), so the trailer is found as the expected 8 bytes (this member's CRC32 and
/// size) inside the last input chunk the inflater took: that chunk is at most <see cref="FeedSize"/>
/// bytes and the deflate data ends inside it, so a false match needs 64 bits to agree by chance.
/// </para>
/// </summary>
public sealed class GzipVerifyingStream : ForwardReadStream
{
    /// <summary>The most bytes handed to the inflater per read: bounds the search for the trailer.</summary>
    internal const int FeedSize = 8 << 10;

    private const byte FHcrc = 2, FExtra = 4, FName = 8, FComment = 16;

    private readonly Stream _source;
    private byte[] _buf = new byte[1 << 16];
    private int _pos, _len;
    private long _bufOffset; // compressed offset of _buf[0]
    private bool _sourceEnded;

    private DeflateStream? _inflater;
    private readonly Crc32 _crc = new();
    private long _memberSize;
    private long _memberOffset;
    private int _lastFedStart = -1;
    private bool _feederHitEnd;
    private bool _done;

    public GzipVerifyingStream(Stream source)
    {
        _source = source;
        StartMember();
    }

    /// <summary>Members read so far (including the current one).</summary>
    public int Members { get; private set; }

    private long Offset => _bufOffset + _pos;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!_done)
        {
            int n;
            try
            {
                n = _inflater!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Invalid($"corrupt deflate data in the gzip member at offset {_memberOffset:N0} (near compressed offset {Offset:N0}): {e.Message}", e);
            }
            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _memberSize += n;
                return n;
            }
            if (_feederHitEnd)
            {
                throw Invalid($"the gzip stream is truncated: the deflate data of the member at offset {_memberOffset:N0} ends at compressed offset {Offset:N0} before its final block");
            }
            EndMember();
        }
        return 0;
    }

    private void StartMember()
    {
        _memberOffset = Offset;
        Members++;
        var id1 = HeaderByte("magic");
        var id2 = HeaderByte("magic");
        if (id1 != 0x1f || id2 != 0x8b) throw Invalid($"not a gzip member at compressed offset {_memberOffset:N0} (magic {id1:x2} {id2:x2}, expected 1f 8b)");
        var cm = HeaderByte("method");
        if (cm != 8) throw Invalid($"the gzip member at offset {_memberOffset:N0} uses compression method {cm}; only 8 (deflate) exists");
        var flg = HeaderByte("flags");
        if ((flg & 0xE0) != 0) throw Invalid($"the gzip member at offset {_memberOffset:N0} sets reserved header flag bits (FLG {flg:x2})");
        var headerCrc = (flg & FHcrc) != 0 ? new Crc32() : null;
        Span<byte> fixedPart = [(byte)id1, (byte)id2, (byte)cm, (byte)flg];
        headerCrc?.Append(fixedPart);
        for (var i = 0; i < 6; i++) HeaderByte("MTIME/XFL/OS", headerCrc); // MTIME(4) XFL OS
        if ((flg & FExtra) != 0)
        {
            var xlen = HeaderByte("FEXTRA length", headerCrc) | (HeaderByte("FEXTRA length", headerCrc) << 8);
            for (var i = 0; i < xlen; i++) HeaderByte("FEXTRA field", headerCrc);
        }
        if ((flg & FName) != 0) while (HeaderByte("file name", headerCrc) != 0) { }
        if ((flg & FComment) != 0) while (HeaderByte("comment", headerCrc) != 0) { }
        if (headerCrc is not null)
        {
            var expected = (ushort)headerCrc.GetCurrentHashAsUInt32();
            var stated = HeaderByte("header CRC16") | (HeaderByte("header CRC16") << 8);
            if (stated != expected) throw Invalid($"the header CRC16 of the gzip member at offset {_memberOffset:N0} is {stated:x4}, the header's bytes give {expected:x4}");
        }
        _crc.Reset();
        _memberSize = 0;
        _lastFedStart = -1;
        _feederHitEnd = false;
        _inflater?.Dispose();
        _inflater = new DeflateStream(new Feeder(this), CompressionMode.Decompress, leaveOpen: false);
    }

    /// <summary>The deflate data of the member ended: find and check its trailer, then start the next member, or end.</summary>
    private void EndMember()
    {
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], unchecked((uint)_memberSize));
        // The deflate data ends inside the last chunk the inflater took, [_lastFedStart, _pos); the trailer follows it.
        var start = _lastFedStart < 0 ? _pos : _lastFedStart;
        EnsureAfter(start, _pos - start + 8 + 2);
        var from = _lastFedStart < 0 ? _pos : _lastFedStart; // the buffer may have moved
        var span = _pos - from; // candidate trailer starts: from + [0, span]
        var window = _buf.AsSpan(from, _len - from);
        // The first match that a member start, zero padding or the end of the input follows: the expected bytes
        // may also occur later (a second identical member) or earlier (an empty member's trailer is eight zero
        // bytes, and its deflate data, 03 00, ends in one). A match followed by anything else is a last resort
        // that NextMemberOrEnd then refuses as trailing data.
        var first = -1;
        for (var p = 0; p <= span && p + 8 <= window.Length; p++)
        {
            if (!window.Slice(p, 8).SequenceEqual(expected)) continue;
            if (first < 0) first = p;
            var after = window[(p + 8)..];
            if (after.IsEmpty || (after[0] == 0x1f && (after.Length == 1 || after[1] == 0x8b)) || !after.ContainsAnyExcept((byte)0))
            {
                first = p;
                break;
            }
        }
        if (first >= 0)
        {
            _pos = from + first + 8;
            NextMemberOrEnd();
            return;
        }
        throw Invalid(DescribeBadTrailer(window, span, expected, _bufOffset + from));
    }

    private string DescribeBadTrailer(ReadOnlySpan<byte> window, int span, ReadOnlySpan<byte> expected, long windowOffset)
    {
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(expected);
        var member = $"the gzip member at offset {_memberOffset:N0} ({_memberSize:N0} bytes of output, CRC32 {crc:x8})";
        for (var p = 0; p <= span && p + 8 <= window.Length; p++)
        {
            if (window.Slice(p + 4, 4).SequenceEqual(expected[4..]))
            {
                return $"CRC32 mismatch: the trailer of {member} at compressed offset {windowOffset + p:N0} says {BinaryPrimitives.ReadUInt32LittleEndian(window[p..]):x8}";
            }
        }
        for (var p = 0; p <= span && p + 8 <= window.Length; p++)
        {
            if (window.Slice(p, 4).SequenceEqual(expected[..4]))
            {
                return $"ISIZE mismatch: the trailer of {member} at compressed offset {windowOffset + p + 4:N0} says {BinaryPrimitives.ReadUInt32LittleEndian(window[(p + 4)..]):N0} bytes";
            }
        }
        if (_sourceEnded)
        {
            // A prefix of the trailer up to the end of the input: the file was cut inside (or before) the trailer.
            for (var p = 0; p <= span && p <= window.Length; p++)
            {
                var rest = window[p..];
                if (rest.Length < 8 && rest.SequenceEqual(expected[..rest.Length]))
                {
                    return $"the gzip stream is truncated: {member} ends at compressed offset {windowOffset + window.Length:N0} with {rest.Length} of the 8 CRC32/ISIZE trailer bytes";
                }
            }
        }
        return $"no valid CRC32/ISIZE trailer follows the deflate data of {member}, which ends between compressed offsets {windowOffset:N0} and {windowOffset + span:N0}: the trailer is corrupt or the stream truncated";
    }

    private void NextMemberOrEnd()
    {
        if (!EnsureAfter(_pos, 1))
        {
            Finish();
            return;
        }
        if (_buf[_pos] == 0x1f)
        {
            StartMember();
            return;
        }
        // Only zero padding may follow the last member.
        var padding = Offset;
        while (EnsureAfter(_pos, 1))
        {
            var zeros = _buf.AsSpan(_pos, _len - _pos);
            var other = zeros.IndexOfAnyExcept((byte)0);
            if (other >= 0) throw Invalid($"unexpected data after the gzip member at offset {_memberOffset:N0}: byte {zeros[other]:x2} at compressed offset {Offset + other:N0} is neither a gzip member nor zero padding (from offset {padding:N0})");
            _pos = _len;
        }
        Finish();
    }

    private void Finish()
    {
        _done = true;
        _inflater?.Dispose();
        _inflater = null;
    }

    private int HeaderByte(string field, Crc32? headerCrc = null)
    {
        if (!EnsureAfter(_pos, 1)) throw Invalid($"the gzip stream is truncated inside the header ({field}) of the member at offset {_memberOffset:N0}: it ends at compressed offset {Offset:N0}");
        var b = _buf[_pos++];
        headerCrc?.Append([(byte)b]);
        return b;
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes from buffer index <paramref name="keep"/> available (fewer at
    /// the end of the source), keeping the bytes from <paramref name="keep"/> on; false when none follow <c>_pos</c>.
    /// Indexes before <paramref name="keep"/> are discarded: callers re-derive positions from <c>_pos</c>.
    /// </summary>
    private bool EnsureAfter(int keep, int count)
    {
        while (_len - keep < count && !_sourceEnded)
        {
            if (keep > 0)
            {
                _buf.AsSpan(keep, _len - keep).CopyTo(_buf);
                _bufOffset += keep;
                _pos -= keep;
                _len -= keep;
                _lastFedStart = _lastFedStart >= keep ? _lastFedStart - keep : -1;
                keep = 0;
            }
            if (_len == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
            var n = _source.Read(_buf, _len, _buf.Length - _len);
            if (n == 0) _sourceEnded = true;
            _len += n;
        }
        return _len > _pos;
    }

    private static EtlException Invalid(string message, Exception? inner = null) => new(ErrorType.InvalidInput, message, inner);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>What the inflater reads: the buffered compressed bytes, at most <see cref="FeedSize"/> per read, remembering the last chunk.</summary>
    private sealed class Feeder(GzipVerifyingStream owner) : ForwardReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            if (!owner.EnsureAfter(owner._pos, 1))
            {
                owner._feederHitEnd = true;
                return 0;
            }
            var n = Math.Min(Math.Min(buffer.Length, FeedSize), owner._len - owner._pos);
            owner._buf.AsSpan(owner._pos, n).CopyTo(buffer);
            owner._lastFedStart = owner._pos;
            owner._pos += n;
            return n;
        }
    }
}
