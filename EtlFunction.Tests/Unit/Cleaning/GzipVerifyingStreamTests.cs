using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>Gzip input verified end to end: every member's header, deflate data, CRC32 and ISIZE, or InvalidInput with the offset.</summary>
public class GzipVerifyingStreamTests
{
    /// <summary>About 600 KB of CSV that compresses to well over one inflater chunk.</summary>
    internal static byte[] Payload(int rows = 20_000, int seed = 7)
    {
        var r = new Random(seed);
        var sb = new StringBuilder("id,name,amount\n");
        for (var i = 1; i <= rows; i++) sb.Append(i).Append(",n").Append(r.Next(1_000_000)).Append(',').Append(r.Next(100_000)).Append('.').Append(r.Next(100)).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>What gzip(1) writes for an empty file (.NET's GZipStream writes nothing at all).</summary>
    private static readonly byte[] EmptyMember = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    internal static byte[] Gzip(byte[] payload)
    {
        if (payload.Length == 0) return (byte[])EmptyMember.Clone();
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(payload);
        return ms.ToArray();
    }

    /// <summary>A member built by hand, with the optional header fields.</summary>
    private static byte[] Member(byte[] payload, string? name = null, string? comment = null, byte[]? extra = null, bool headerCrc = false, bool badHeaderCrc = false)
    {
        var flg = (byte)((headerCrc ? 2 : 0) | (extra is null ? 0 : 4) | (name is null ? 0 : 8) | (comment is null ? 0 : 16));
        var ms = new MemoryStream();
        ms.Write([0x1f, 0x8b, 8, flg, 1, 2, 3, 4, 0, 3]);
        if (extra is not null)
        {
            ms.Write([(byte)extra.Length, (byte)(extra.Length >> 8)]);
            ms.Write(extra);
        }
        if (name is not null) ms.Write([.. Encoding.Latin1.GetBytes(name), 0]);
        if (comment is not null) ms.Write([.. Encoding.Latin1.GetBytes(comment), 0]);
        if (headerCrc)
        {
            var crc16 = (ushort)(Crc32.HashToUInt32(ms.ToArray()) ^ (badHeaderCrc ? 1u : 0u));
            ms.Write([(byte)crc16, (byte)(crc16 >> 8)]);
        }
        using (var d = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true)) d.Write(payload);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)payload.Length);
        ms.Write(trailer);
        return ms.ToArray();
    }

    private static byte[] ReadAll(byte[] gz, int maxRead = int.MaxValue)
    {
        using var s = new GzipVerifyingStream(new TrickleStream(gz, maxRead));
        using var o = new MemoryStream();
        s.CopyTo(o);
        return o.ToArray();
    }

    private static EtlException Fails(byte[] gz, int maxRead = int.MaxValue)
    {
        var e = Assert.Throws<EtlException>(() => ReadAll(gz, maxRead))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.InvalidInput), e.Message);
        return e;
    }

    [Test]
    public void Read_ValidMember_ReturnsThePayload()
    {
        var payload = Payload();
        Assert.That(ReadAll(Gzip(payload)), Is.EqualTo(payload));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8191)]
    [TestCase(8192)]
    [TestCase(100_000)]
    public void Read_SourceReturnsShortReads_ReturnsThePayload(int maxRead)
    {
        var payload = Payload(5_000);
        var gz = Member(payload, name: "a.csv").Concat(Gzip(payload)).ToArray();
        Assert.That(ReadAll(gz, maxRead), Is.EqualTo(payload.Concat(payload).ToArray()));
    }

    [Test]
    public void Read_ManyPayloadSizes_EveryDeflateEndPositionFindsItsTrailer()
    {
        // The deflate data ends at every position relative to the inflater's 8 KiB chunks.
        var payload = Payload(2_000);
        for (var n = 0; n < payload.Length; n += 997)
        {
            var part = payload[..n];
            var gz = Gzip(part).Concat(Gzip(part)).ToArray();
            Assert.That(ReadAll(gz), Is.EqualTo(part.Concat(part).ToArray()), $"payload of {n} bytes");
        }
    }

    [Test]
    public void Read_ConcatenatedMembersWithAnEmptyOne_ReturnsAllInOrder()
    {
        var a = Encoding.UTF8.GetBytes("id,x\n1,a\n");
        var b = Payload(3_000);
        var gz = Gzip(a).Concat(Gzip([])).Concat(Gzip(b)).ToArray();
        Assert.That(ReadAll(gz), Is.EqualTo(a.Concat(b).ToArray()));
    }

    [Test]
    public void Read_EmptyMember_ReturnsNothing() => Assert.That(ReadAll(Gzip([])), Is.Empty);

    [Test]
    public void Read_HeaderWithExtraNameCommentAndHeaderCrc_ReturnsThePayload()
    {
        var payload = Payload(1_000);
        Assert.That(ReadAll(Member(payload, "orders.csv", "nightly", [1, 2, 3, 4], headerCrc: true)), Is.EqualTo(payload));
    }

    [Test]
    public void Read_WrongHeaderCrc_InvalidInput()
    {
        var e = Fails(Member(Payload(100), "orders.csv", headerCrc: true, badHeaderCrc: true));
        Assert.That(e.Message, Does.Contain("header CRC16").And.Contain("offset 0"));
    }

    [Test]
    public void Read_TrailingZeroPadding_Accepted()
    {
        var payload = Payload(1_000);
        Assert.That(ReadAll([.. Gzip(payload), .. new byte[512]]), Is.EqualTo(payload));
    }

    [Test]
    public void Read_TrailingGarbage_InvalidInput()
    {
        var gz = Gzip(Payload(1_000));
        var e = Fails([.. gz, 0, 0, (byte)'x']);
        Assert.That(e.Message, Does.Contain("neither a gzip member nor zero padding").And.Contain($"offset {gz.Length + 2:N0}"));
    }

    [TestCase(1, "header")]
    [TestCase(5, "header")]
    [TestCase(10, "deflate data")]
    [TestCase(-1, "deflate data")] // the middle of the deflate data
    [TestCase(-8, "0 of the 8")] // the trailer is missing
    [TestCase(-5, "3 of the 8")] // cut inside the trailer
    [TestCase(-1_000, "deflate data")]
    public void Read_Truncated_InvalidInputNamingWhereItEnds(int cut, string where)
    {
        var gz = Gzip(Payload());
        var length = cut switch { -1 => gz.Length / 2, < 0 => gz.Length + cut, _ => cut };
        var e = Fails(gz[..length]);
        Assert.That(e.Message, Does.Contain("truncated").And.Contain(where).And.Contain($"{length:N0}"));
    }

    [Test]
    public void Read_SecondMemberTruncated_InvalidInput()
    {
        var first = Gzip(Payload(1_000));
        var second = Gzip(Payload(1_000, seed: 8));
        var e = Fails([.. first, .. second[..(second.Length / 2)]]);
        Assert.That(e.Message, Does.Contain("truncated").And.Contain($"member at offset {first.Length:N0}"));
    }

    [Test]
    public void Read_WrongCrc_InvalidInputNamingTheTrailerOffset()
    {
        var gz = Gzip(Payload());
        gz[^8] ^= 0xFF;
        var e = Fails(gz);
        Assert.That(e.Message, Does.Contain("CRC32 mismatch").And.Contain($"offset {gz.Length - 8:N0}"));
    }

    [Test]
    public void Read_WrongIsize_InvalidInputNamingTheTrailerOffset()
    {
        var gz = Gzip(Payload());
        gz[^1] ^= 0x01;
        var e = Fails(gz);
        Assert.That(e.Message, Does.Contain("ISIZE mismatch").And.Contain($"offset {gz.Length - 4:N0}"));
    }

    [Test]
    public void Read_OneFlippedBitAnywhereInDeflateOrTrailer_InvalidInput()
    {
        var gz = Gzip(Payload(3_000));
        // Every 97th byte after the 10-byte header, each bit position in turn (MTIME/XFL/OS carry no check; nor
        // do the padding bits after the final block in the last deflate byte, which is skipped).
        for (var i = 10; i < gz.Length; i += 97)
        {
            if (i == gz.Length - 9) continue;
            var bad = (byte[])gz.Clone();
            bad[i] ^= (byte)(1 << (i % 8));
            var e = Assert.Throws<EtlException>(() => ReadAll(bad), $"bit {i % 8} of byte {i}")!;
            Assert.That(e.Type, Is.EqualTo(ErrorType.InvalidInput));
        }
    }

    [Test]
    public void Read_UnsupportedMethodOrReservedFlags_InvalidInput()
    {
        var gz = Gzip(Payload(10));
        var method = (byte[])gz.Clone();
        method[2] = 7;
        Assert.That(Fails(method).Message, Does.Contain("method 7"));
        var flags = (byte[])gz.Clone();
        flags[3] = 0x20;
        Assert.That(Fails(flags).Message, Does.Contain("reserved"));
    }

    /// <summary>Returns at most <c>maxRead</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int maxRead) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxRead)]);
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));
    }
}
