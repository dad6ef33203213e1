using System.Security.Cryptography;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

/// <summary>The S3 store's pure parts: the part buffer the uploads read from, and the copy-source rewrite of <c>ETL_S3_COMPAT=plain</c>.</summary>
public class S3PiecesTests
{
    [Test]
    public void PartBuffer_TakesUpToCapacity_AndReadsBackExactlyAfterSeeks()
    {
        var bytes = new byte[(3 << 20) + 5];
        new Random(1).NextBytes(bytes);
        using var part = new PartBuffer(bytes.Length - 5);
        var taken = 0;
        for (var i = 0; i < bytes.Length; i += 333_333) taken += part.Append(bytes.AsSpan(i, Math.Min(333_333, bytes.Length - i)));
        Assert.That((taken, part.Length, part.IsFull), Is.EqualTo((bytes.Length - 5, bytes.Length - 5, true)));

        using var s = part.OpenRead();
        Assert.That(SHA256.HashData(s), Is.EqualTo(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 5))));
        s.Position = 0; // the SDK rewinds for its payload hash and on retries
        Assert.That(SHA256.HashData(s), Is.EqualTo(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 5))));
        s.Seek(-10, SeekOrigin.End);
        var tail = new byte[20];
        Assert.That(s.Read(tail), Is.EqualTo(10));
        Assert.That(tail[..10], Is.EqualTo(bytes[(bytes.Length - 15)..(bytes.Length - 5)]));
    }

    [Test]
    public void PartBuffer_Empty_ReadsNothing()
    {
        using var part = new PartBuffer(0);
        using var s = part.OpenRead();
        Assert.That((s.Length, s.Read(new byte[4])), Is.EqualTo((0L, 0)));
    }

    [TestCase("b/dir%2Fsub%2Ffile.csv", "b/dir/sub/file.csv")]
    [TestCase("b%2Fk", "b/k")]
    [TestCase("b/a%2Bb%3Dc%26d%2Ce%3Bf%3Ag%40h%24i%23j", "b/a+b=c&d,e;f:g@h$i#j")]
    [TestCase("b/with%20space%C3%BC%3Fv", "b/with%20space%C3%BC%3Fv")]
    [TestCase("b/100%252F", "b/100%252F")]
    [TestCase("b/x%2f", "b/x/")]
    [TestCase("b/%2", "b/%2")]
    public void CopySource_ReservedEscapesBecomeLiteral_OthersStay(string header, string expected) =>
        Assert.That(CopySourceLiteralHandler.Rewrite(header), Is.EqualTo(expected));
}
