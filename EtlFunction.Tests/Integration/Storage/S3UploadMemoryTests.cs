using System.Security.Cryptography;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Integration.Storage;

/// <summary>
/// A 200 MB object written through <see cref="IObjectStore.OpenWriteAsync"/> with the default 8 MiB parts:
/// the managed heap must stay near two parts (one uploading, one filling), whatever the object's size,
/// and the bytes must come back exactly.
/// </summary>
[NonParallelizable]
public sealed class S3UploadMemoryTests
{
    private const long Size = 200L << 20;
    private const long Bound = 64L << 20;

    [Test]
    public async Task Upload200MB_ManagedMemoryStaysBounded_AndBytesRoundTrip()
    {
        await using var bucket = await S3TestBucket.CreateAsync("memory");
        using var store = new S3ObjectStore(S3TestBucket.Options() with { PartSize = 8 << 20 });

        var buffer = new byte[1 << 20];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(31);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peak = 0;
        ObjectInfo info;
        await using (var w = await store.OpenWriteAsync(bucket.Name, "big/200mb.bin"))
        {
            for (long done = 0; done < Size; done += buffer.Length)
            {
                random.NextBytes(buffer);
                sha.AppendData(buffer);
                await w.Stream.WriteAsync(buffer);
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            }
            info = await w.CommitAsync();
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var settled = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        TestContext.Out.WriteLine($"200 MiB upload: peak managed heap above baseline {peak / 1048576.0:F1} MiB, " +
            $"after commit (collected) {settled / 1048576.0:F1} MiB, allocated in total {allocated / 1048576.0:F1} MiB");

        Assert.That(info.Size, Is.EqualTo(Size));
        Assert.That(peak, Is.LessThan(Bound), "the heap held more than a few parts");
        await using var s = await store.OpenReadAsync(bucket.Name, "big/200mb.bin");
        using var readSha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        int n;
        while ((n = await s.ReadAsync(buffer)) > 0)
        {
            readSha.AppendData(buffer, 0, n);
            length += n;
        }
        Assert.That((length, readSha.GetHashAndReset()), Is.EqualTo((Size, sha.GetHashAndReset())));
    }
}
