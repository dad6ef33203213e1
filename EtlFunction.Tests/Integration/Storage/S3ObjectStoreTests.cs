using System.Security.Cryptography;
using EtlFunction.Storage;
using EtlFunction.Tests.Unit.Storage;

namespace EtlFunction.Tests.Integration.Storage;

/// <summary>
/// The object-store contract against a real S3 API (s3rver from scripts/test-services.sh), with 5 MiB parts
/// so the large cases really go multipart, plus what only the S3 store does.
/// </summary>
[NonParallelizable]
public sealed class S3ObjectStoreTests : ObjectStoreContract
{
    private S3TestBucket _bucket = null!, _other = null!;
    private S3ObjectStore _store = null!;

#pragma warning disable CA5351 // S3's ETag of an empty single-part object is the MD5 of nothing
    protected override string? EmptyObjectETag => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Array.Empty<byte>()));
#pragma warning restore CA5351
    protected override IObjectStore Store => _store;
    protected override string Bucket => _bucket.Name;
    protected override string OtherBucket => _other.Name;

    [OneTimeSetUp]
    public async Task CreateBuckets()
    {
        _bucket = await S3TestBucket.CreateAsync("store");
        _other = await S3TestBucket.CreateAsync("other");
        _store = new S3ObjectStore(S3TestBucket.Options());
    }

    [OneTimeTearDown]
    public async Task DeleteBuckets()
    {
        _store?.Dispose();
        if (_bucket is not null) await _bucket.DisposeAsync();
        if (_other is not null) await _other.DisposeAsync();
    }

    [Test]
    public async Task Multipart_MoreThanTwoParts_ByteExact()
    {
        const int size = 3 * S3StoreOptions.MinPartSize + 4321; // four parts: 5 + 5 + 5 MiB + 4321 bytes
        var bytes = Data(size, seed: 21);
        ObjectInfo info;
        await using (var w = await Store.OpenWriteAsync(Bucket, P + "parts.bin"))
        {
            for (var i = 0; i < size; i += 999_999) await w.Stream.WriteAsync(bytes.AsMemory(i, Math.Min(999_999, size - i)));
            info = await w.CommitAsync();
            Assert.That(((S3ObjectWriter)w).PartsUploaded, Is.EqualTo(4));
        }
        var head = await Store.HeadAsync(Bucket, P + "parts.bin");
        Assert.That((info.ETag, info.Size), Is.EqualTo((head!.ETag, (long)size)));
        await using var s = await Store.OpenReadAsync(Bucket, P + "parts.bin");
        var (hash, length) = await HashOf(s, readSize: 1 << 16);
        Assert.That((length, hash), Is.EqualTo(((long)size, SHA256.HashData(bytes))));
    }

    [Test]
    public async Task Commit_ReturnsWhatS3Reports()
    {
        var bytes = Data(12_345, seed: 22);
        var info = await Put(P + "one", bytes);
        var head = await Store.HeadAsync(Bucket, P + "one");
#pragma warning disable CA5351 // a single-part ETag is the MD5 of the bytes
        Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(bytes))));
#pragma warning restore CA5351
        Assert.That((info.ETag, info.Size, info.LastModified), Is.EqualTo((head!.ETag, head.Size, head.LastModified)));
        Assert.That(info.LastModified, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public async Task ServerSideEncryption_IsSentAndBytesRoundTrip()
    {
        using var sse = new S3ObjectStore(S3TestBucket.Options() with { ServerSideEncryption = "AES256" });
        var bytes = Data(S3StoreOptions.MinPartSize + 10, seed: 23);
        await using (var w = await sse.OpenWriteAsync(Bucket, P + "sse.bin"))
        {
            await w.Stream.WriteAsync(bytes);
            await w.CommitAsync();
        }
        await sse.CopyAsync(Bucket, P + "sse.bin", Bucket, P + "sse-copy.bin");
        Assert.That(await Read(P + "sse.bin"), Is.EqualTo(bytes));
        Assert.That(await Read(P + "sse-copy.bin"), Is.EqualTo(bytes));
    }
}
