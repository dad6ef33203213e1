using System.Security.Cryptography;
using System.Text;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> must have, whatever is behind it: the folder store runs
/// it in Unit/, the S3 store against a real S3 API in Integration/. Every test checks bytes or hashes
/// read back through the store, never only that a call returned. Each test writes under its own prefix.
/// </summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }
    protected abstract string Bucket { get; }
    protected abstract string OtherBucket { get; }

    /// <summary>The ETag the store gives an empty object, when it is known in advance (S3: the MD5 of nothing).</summary>
    protected virtual string? EmptyObjectETag => null;

    /// <summary>A size that the store must upload in more than two pieces (S3: three parts and more).</summary>
    protected virtual int LargeSize => 12 << 20;

    /// <summary>A key prefix unique to the running test.</summary>
    protected string P { get; private set; } = "";

    [SetUp]
    public void NewPrefix() => P = $"t-{Guid.NewGuid():N}/";

    [Test]
    public async Task Write_InvisibleUntilCommit_ThenReadsBackExactly()
    {
        var bytes = Data(100_000, seed: 1);
        await using var w = await Store.OpenWriteAsync(Bucket, P + "a/b.csv");
        await w.Stream.WriteAsync(bytes);
        Assert.That(await Store.HeadAsync(Bucket, P + "a/b.csv"), Is.Null, "HEAD before commit");
        Assert.That(await Keys(P), Is.Empty, "LIST before commit");
        Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync(Bucket, P + "a/b.csv"), "GET before commit");

        var info = await w.CommitAsync();
        Assert.That(info.Size, Is.EqualTo(bytes.Length));
        Assert.That(await Read(P + "a/b.csv"), Is.EqualTo(bytes));
        var head = await Store.HeadAsync(Bucket, P + "a/b.csv");
        Assert.That(head!.ETag, Is.EqualTo(info.ETag));
        Assert.That(head.Size, Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task Write_LargeWithoutCommit_LeavesNothingAndKeepsTheOldObject()
    {
        var old = Data(1000, seed: 2);
        await Put(P + "k.bin", old);
        await using (var w = await Store.OpenWriteAsync(Bucket, P + "k.bin"))
        {
            await w.Stream.WriteAsync(Data(LargeSize, seed: 3));
        }
        await using (var w = await Store.OpenWriteAsync(Bucket, P + "new.bin"))
        {
            await w.Stream.WriteAsync(Data(LargeSize, seed: 4));
        }
        Assert.That(await Read(P + "k.bin"), Is.EqualTo(old));
        Assert.That(await Store.HeadAsync(Bucket, P + "new.bin"), Is.Null);
        Assert.That(await Keys(P), Is.EqualTo(new[] { P + "k.bin" }));
    }

    [Test]
    public async Task Overwrite_ReplacesTheContent()
    {
        await Put(P + "k", Data(5000, seed: 5));
        var second = Data(3000, seed: 6);
        var info = await Put(P + "k", second);
        Assert.That(await Read(P + "k"), Is.EqualTo(second));
        Assert.That((await Store.HeadAsync(Bucket, P + "k"))!.ETag, Is.EqualTo(info.ETag));
    }

    [Test]
    public async Task ETag_SameContentSameETag_OtherContentOtherETag()
    {
        var bytes = Data(70_000, seed: 7);
        var a = await Put(P + "a", bytes);
        var b = await Put(P + "b", bytes);
        var c = await Put(P + "c", Data(70_000, seed: 8));
        Assert.That(a.ETag, Is.Not.Empty);
        Assert.That(a.ETag, Does.Not.Contain("\""));
        Assert.That(b.ETag, Is.EqualTo(a.ETag));
        Assert.That(c.ETag, Is.Not.EqualTo(a.ETag));
    }

    [Test]
    public async Task StreamingRead_30MB_IsByteExactByHash()
    {
        const int size = 30_000_000;
        var expected = await WriteGenerated(P + "big.bin", size, seed: 9, chunk: 77_777);
        await using var s = await Store.OpenReadAsync(Bucket, P + "big.bin");
        var (hash, length) = await HashOf(s, readSize: 8191);
        Assert.That(length, Is.EqualTo(size));
        Assert.That(hash, Is.EqualTo(expected));
        Assert.That((await Store.HeadAsync(Bucket, P + "big.bin"))!.Size, Is.EqualTo(size));
    }

    [Test]
    public async Task LargeWrite_ManyPieces_IsByteExactByHash()
    {
        var size = LargeSize + 12_345;
        var expected = await WriteGenerated(P + "multi.bin", size, seed: 10, chunk: 1 << 20);
        await using var s = await Store.OpenReadAsync(Bucket, P + "multi.bin");
        var (hash, length) = await HashOf(s, readSize: 1 << 16);
        Assert.That((length, hash), Is.EqualTo(((long)size, expected)));
    }

    [Test]
    public async Task SynchronousWrites_FromAWorkerThread_RoundTrip()
    {
        var bytes = Data(LargeSize + 1000, seed: 11);
        await using var w = await Store.OpenWriteAsync(Bucket, P + "sync.bin");
        await Task.Run(() =>
        {
            for (var i = 0; i < bytes.Length; i += 65_536) w.Stream.Write(bytes, i, Math.Min(65_536, bytes.Length - i));
        });
        await w.CommitAsync();
        Assert.That(SHA256.HashData(await Read(P + "sync.bin")), Is.EqualTo(SHA256.HashData(bytes)));
    }

    [Test]
    public async Task RangeRead_ReturnsExactlyTheBytes_AndRefusesAnotherVersion()
    {
        var bytes = Data(300_000, seed: 9);
        await Put(P + "r.bin", bytes);
        var etag = (await Store.HeadAsync(Bucket, P + "r.bin"))!.ETag;
        foreach (var (start, end) in new[] { (0L, 1L), (0L, 65_536L), (12_345L, 200_001L), (299_999L, 300_000L), (5L, 5L) })
        {
            await using var s = await Store.OpenRangeReadAsync(Bucket, P + "r.bin", start, end, etag);
            using var m = new MemoryStream();
            await s.CopyToAsync(m);
            Assert.That(m.ToArray(), Is.EqualTo(bytes[(int)start..(int)end]), $"[{start}, {end})");
        }

        await Put(P + "r.bin", Data(300_000, seed: 10));
        var e = Assert.ThrowsAsync<EtlFunction.Errors.EtlException>(async () =>
        {
            await using var s = await Store.OpenRangeReadAsync(Bucket, P + "r.bin", 0, 1000, etag);
            await s.CopyToAsync(Stream.Null);
        });
        Assert.That(e!.Type, Is.EqualTo(EtlFunction.Errors.ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("changed since it was planned"));
    }

    [Test]
    public async Task ZeroByteObject_RoundTrips()
    {
        await using (var w = await Store.OpenWriteAsync(Bucket, P + "empty"))
        {
            var info = await w.CommitAsync();
            Assert.That(info.Size, Is.Zero);
            if (EmptyObjectETag is { } expected) Assert.That(info.ETag, Is.EqualTo(expected));
        }
        Assert.That(await Read(P + "empty"), Is.Empty);
        Assert.That((await Store.HeadAsync(Bucket, P + "empty"))!.Size, Is.Zero);
        Assert.That(await Keys(P), Is.EqualTo(new[] { P + "empty" }));
    }

    [TestCase("with space/file name.csv")]
    [TestCase("unicode/naïve-Größe-日本語-😀.csv")]
    [TestCase("plus/a+b=c&d,e;f:g@h$i.csv")]
    [TestCase("percent/100%25 %2F%20.csv")]
    public async Task UnusualKeys_WriteListCopyReadDelete(string name)
    {
        var key = P + name;
        var bytes = Encoding.UTF8.GetBytes("key: " + name + "\n");
        await Put(key, bytes);
        Assert.That(await Keys(P), Is.EqualTo(new[] { key }));
        Assert.That(await Read(key), Is.EqualTo(bytes));
        await Store.CopyAsync(Bucket, key, Bucket, key + ".copy");
        Assert.That(await Read(key + ".copy"), Is.EqualTo(bytes));
        await Store.DeleteAsync(Bucket, key);
        Assert.That(await Keys(P), Is.EqualTo(new[] { key + ".copy" }));
    }

    [Test]
    public async Task List_ByPrefix_InKeyOrderWithSizesAndETags()
    {
        var written = new Dictionary<string, ObjectInfo>();
        string[] names = ["b/4", "a/2", "ab/3", "a/1", "a/sub/5"];
        for (var i = 0; i < names.Length; i++) written[P + names[i]] = await Put(P + names[i], Data(100 + i, seed: 100 + i));
        Assert.That(await Keys(P + "a/"), Is.EqualTo(new[] { P + "a/1", P + "a/2", P + "a/sub/5" }));
        Assert.That(await Keys(P + "a"), Is.EqualTo(new[] { P + "a/1", P + "a/2", P + "a/sub/5", P + "ab/3" }));
        Assert.That(await Keys(P + "zzz"), Is.Empty);
        await foreach (var o in Store.ListAsync(Bucket, P))
        {
            Assert.That((o.Bucket, o.Size, o.ETag), Is.EqualTo((Bucket, written[o.Key].Size, written[o.Key].ETag)), o.Key);
        }
    }

    [Test]
    public async Task List_ManyKeys_AllPagesInOrder()
    {
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            expected.Add(P + $"many/{i:D3}");
            await Put(expected[^1], [(byte)i]);
        }
        Assert.That(await Keys(P + "many/"), Is.EqualTo(expected));
    }

    [Test]
    public async Task Copy_ToAnotherBucket_CopiesBytesAndKeepsTheSource()
    {
        var bytes = Data(300_000, seed: 12);
        var src = await Put(P + "src.bin", bytes);
        await Store.CopyAsync(Bucket, P + "src.bin", OtherBucket, P + "dir/dst.bin");
        Assert.That(await Read(P + "dir/dst.bin", OtherBucket), Is.EqualTo(bytes));
        Assert.That(await Read(P + "src.bin"), Is.EqualTo(bytes));
        Assert.That((await Store.HeadAsync(OtherBucket, P + "dir/dst.bin"))!.ETag, Is.EqualTo(src.ETag));
    }

    [Test]
    public async Task Copy_MissingSource_ThrowsAndWritesNothing()
    {
        Assert.That(async () => await Store.CopyAsync(Bucket, P + "nope", Bucket, P + "dst"), Throws.InstanceOf<FileNotFoundException>());
        Assert.That(await Keys(P), Is.Empty);
    }

    [Test]
    public async Task Delete_RemovesOnlyThatKey_AndMissingKeysAreFine()
    {
        var keep = Data(10, seed: 13);
        await Put(P + "x/1", Data(10, seed: 14));
        await Put(P + "x/10", keep);
        await Store.DeleteAsync(Bucket, P + "x/1");
        await Store.DeleteAsync(Bucket, P + "x/never-existed");
        Assert.That(await Store.HeadAsync(Bucket, P + "x/1"), Is.Null);
        Assert.That(await Read(P + "x/10"), Is.EqualTo(keep));
        Assert.That(await Keys(P), Is.EqualTo(new[] { P + "x/10" }));
    }

    [Test]
    public async Task Missing_HeadIsNull_ReadThrowsFileNotFound()
    {
        Assert.That(await Store.HeadAsync(Bucket, P + "missing"), Is.Null);
        Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync(Bucket, P + "missing"));
    }

    [Test]
    public async Task Tags_ReplaceAndReadBack_ContentUntouched()
    {
        var bytes = Data(100, seed: 21);
        await Put(P + "tagged.csv", bytes);
        Assert.That(await Store.GetTagsAsync(Bucket, P + "tagged.csv"), Is.Empty);
        await Store.TagAsync(Bucket, P + "tagged.csv", new Dictionary<string, string> { ["etl-status"] = "quarantined", ["etl-error"] = "ContractViolation" });
        var tags = await Store.GetTagsAsync(Bucket, P + "tagged.csv");
        Assert.That(tags, Is.EquivalentTo(new Dictionary<string, string> { ["etl-status"] = "quarantined", ["etl-error"] = "ContractViolation" }));
        Assert.That(await Read(P + "tagged.csv"), Is.EqualTo(bytes));
        Assert.That(await Keys(P), Is.EqualTo(new[] { P + "tagged.csv" }), "tags are not objects");
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Deterministic bytes that do not compress (so no layer can cheat on size).</summary>
    protected static byte[] Data(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected async Task<ObjectInfo> Put(string key, byte[] bytes, string? bucket = null)
    {
        await using var w = await Store.OpenWriteAsync(bucket ?? Bucket, key);
        await w.Stream.WriteAsync(bytes);
        return await w.CommitAsync();
    }

    protected async Task<byte[]> Read(string key, string? bucket = null)
    {
        await using var s = await Store.OpenReadAsync(bucket ?? Bucket, key);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    protected async Task<List<string>> Keys(string prefix, string? bucket = null)
    {
        var keys = new List<string>();
        await foreach (var o in Store.ListAsync(bucket ?? Bucket, prefix)) keys.Add(o.Key);
        return keys;
    }

    /// <summary>Streams <paramref name="size"/> generated bytes into the store in <paramref name="chunk"/>-sized writes; returns their SHA-256.</summary>
    protected async Task<byte[]> WriteGenerated(string key, long size, int seed, int chunk)
    {
        var random = new Random(seed);
        var buffer = new byte[chunk];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var w = await Store.OpenWriteAsync(Bucket, key);
        for (long done = 0; done < size;)
        {
            var n = (int)Math.Min(chunk, size - done);
            random.NextBytes(buffer.AsSpan(0, n));
            sha.AppendData(buffer, 0, n);
            await w.Stream.WriteAsync(buffer.AsMemory(0, n));
            done += n;
        }
        var info = await w.CommitAsync();
        Assert.That(info.Size, Is.EqualTo(size));
        return sha.GetHashAndReset();
    }

    protected static async Task<(byte[] Hash, long Length)> HashOf(Stream s, int readSize)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[readSize];
        long length = 0;
        int n;
        while ((n = await s.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            length += n;
        }
        return (sha.GetHashAndReset(), length);
    }
}
