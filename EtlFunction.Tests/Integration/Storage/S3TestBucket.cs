using Amazon.S3;
using Amazon.S3.Model;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Integration.Storage;

/// <summary>
/// A uniquely named bucket on the test S3 endpoint (<see cref="TestServices.S3Endpoint"/>) for one fixture,
/// emptied and deleted afterwards, and the options every S3 test starts from.
/// </summary>
internal sealed class S3TestBucket : IAsyncDisposable
{
    private readonly AmazonS3Client _admin;

    private S3TestBucket(AmazonS3Client admin, string name)
    {
        _admin = admin;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The endpoint under test with plain compatibility (s3rver needs it), 5 MiB parts and small list pages.</summary>
    public static S3StoreOptions Options(S3Compatibility compatibility = S3Compatibility.Plain) => new()
    {
        ServiceUrl = new Uri(TestServices.S3Endpoint),
        AccessKey = TestServices.S3AccessKey,
        SecretKey = TestServices.S3SecretKey,
        Compatibility = compatibility,
        PartSize = S3StoreOptions.MinPartSize,
        ListPageSize = 7,
        MaxRetries = 2,
    };

    public static async Task<S3TestBucket> CreateAsync(string purpose)
    {
        var admin = S3ClientFactory.Create(Options());
        var name = $"etl-{purpose}-{Guid.NewGuid():N}"[..40].TrimEnd('-');
        await admin.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return new S3TestBucket(admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            string? token = null;
            do
            {
                var page = await _admin.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name, ContinuationToken = token });
                foreach (var o in page.S3Objects ?? []) await _admin.DeleteObjectAsync(Name, o.Key);
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
            await _admin.DeleteBucketAsync(Name);
        }
        finally
        {
            _admin.Dispose();
        }
    }
}
