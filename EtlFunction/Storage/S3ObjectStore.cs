using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace EtlFunction.Storage;

/// <summary>
/// <see cref="IObjectStore"/> on Amazon S3 or any S3-compatible endpoint, with the folder store's
/// semantics: reads stream the GetObject body straight through; writes upload as they arrive (multipart,
/// bounded memory) and become visible only at commit; SDK failures surface as typed
/// <see cref="Errors.EtlException"/>s (see <see cref="S3Errors"/>). Configure it with
/// <see cref="S3StoreOptions.FromEnvironment"/>.
/// Copy uses CopyObject, which S3 limits to sources of 5 GB (a multipart copy for larger ones is not implemented).
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly bool _ownsClient;

    /// <summary>A store with its own client built from <paramref name="options"/>.</summary>
    public S3ObjectStore(S3StoreOptions options)
        : this(S3ClientFactory.Create(options.Validated()), options, ownsClient: true)
    {
    }

    /// <summary>A store on a client the caller made (and disposes); <paramref name="options"/> still decide part size, SSE and compatibility.</summary>
    public S3ObjectStore(IAmazonS3 client, S3StoreOptions options, bool ownsClient = false)
    {
        Client = client;
        Options = options.Validated();
        _ownsClient = ownsClient;
    }

    /// <summary>A store configured from the process environment (see <see cref="S3StoreOptions"/>).</summary>
    public static S3ObjectStore FromEnvironment() => new(S3StoreOptions.FromEnvironment());

    public IAmazonS3 Client { get; }
    public S3StoreOptions Options { get; }

    public string Describe(string bucket, string key) => $"s3://{bucket}/{key}";

    /// <summary>None: S3 objects are reached through the API only.</summary>
    public string? LocalPath(string bucket, string key) => null;

    public async Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            var request = new GetObjectMetadataRequest { BucketName = bucket, Key = key };
            var r = await S3Errors.Run("head", bucket, key, () => Client.GetObjectMetadataAsync(request, ct), ct).ConfigureAwait(false);
            return new ObjectInfo(bucket, key, r.ContentLength, Unquote(r.ETag), ToOffset(r.LastModified), r.VersionId);
        }
        catch (Errors.EtlException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            // HEAD has no body, so a missing key and a missing bucket look the same: both are "no object".
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken ct = default)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        var response = await S3Errors.Run("get", bucket, key, () => Client.GetObjectAsync(request, ct), ct).ConfigureAwait(false);
        return new S3ReadStream(response, bucket, key);
    }

    public async Task<Stream> OpenRangeReadAsync(string bucket, string key, long start, long limit, string? etag, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, start);
        if (limit == start) return Stream.Null;
        var request = new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(start, limit - 1) };
        if (etag is not null) request.EtagToMatch = $"\"{etag}\"";
        GetObjectResponse response;
        try
        {
            response = await S3Errors.Run("get a range of", bucket, key, () => Client.GetObjectAsync(request, ct), ct).ConfigureAwait(false);
        }
        catch (Errors.EtlException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed })
        {
            throw RangeStream.Changed(Describe(bucket, key), etag, e);
        }
        // Not every S3-compatible server honours If-Match; the response names the version it read.
        if (etag is not null && Unquote(response.ETag) != etag)
        {
            response.Dispose();
            throw RangeStream.Changed(Describe(bucket, key), etag);
        }
        // Exactly the bytes asked for, whatever the server sends (s3rver 3.7.1 answers "bytes=0-0" with the
        // whole object); a body that ends early fails the read instead of passing as a short range.
        return new RangeStream(new S3ReadStream(response, bucket, key), limit - start);
    }

    public Task<ObjectWriter> OpenWriteAsync(string bucket, string key, CancellationToken ct = default) =>
        Task.FromResult<ObjectWriter>(new S3ObjectWriter(this, bucket, key, ct));

    public Task CopyAsync(string sourceBucket, string sourceKey, string targetBucket, string targetKey, CancellationToken ct = default)
    {
        var request = new CopyObjectRequest
        {
            SourceBucket = sourceBucket,
            SourceKey = sourceKey,
            DestinationBucket = targetBucket,
            DestinationKey = targetKey,
        };
        if (Options.ServerSideEncryption is not null)
        {
            request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(Options.ServerSideEncryption);
            if (Options.KmsKeyId is not null) request.ServerSideEncryptionKeyManagementServiceKeyId = Options.KmsKeyId;
        }
        return S3Errors.Run("copy to " + Describe(targetBucket, targetKey) + " from", sourceBucket, sourceKey, () => Client.CopyObjectAsync(request, ct), ct);
    }

    public Task DeleteAsync(string bucket, string key, CancellationToken ct = default) =>
        S3Errors.Run("delete", bucket, key, () => Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, ct), ct);

    public Task TagAsync(string bucket, string key, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default)
    {
        var request = new PutObjectTaggingRequest
        {
            BucketName = bucket,
            Key = key,
            Tagging = new Tagging { TagSet = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() },
        };
        return S3Errors.Run("tag", bucket, key, () => Client.PutObjectTaggingAsync(request, ct), ct);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string bucket, string key, CancellationToken ct = default)
    {
        var r = await S3Errors.Run("read the tags of", bucket, key,
            () => Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key }, ct), ct).ConfigureAwait(false);
        return (r.Tagging ?? []).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token, MaxKeys = Options.ListPageSize };
            var page = await S3Errors.Run("list", bucket, prefix + "*", () => Client.ListObjectsV2Async(request, ct), ct).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                yield return new ObjectInfo(bucket, o.Key, o.Size ?? 0, Unquote(o.ETag), ToOffset(o.LastModified));
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public void Dispose()
    {
        if (_ownsClient) Client.Dispose();
    }

    /// <summary>S3 sends ETags in double quotes; the pipeline (run ids, manifests) uses the bare value.</summary>
    internal static string Unquote(string? etag) => etag is null ? "" : etag.Trim('"');

    private static DateTimeOffset ToOffset(DateTime? t) => t is { } v
        ? new DateTimeOffset(v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc), TimeSpan.Zero)
        : DateTimeOffset.UnixEpoch;
}
