namespace EtlFunction.Storage;

/// <summary>What a store knows about one object. <see cref="ETag"/> identifies the content (it feeds the run id).</summary>
public sealed record ObjectInfo(string Bucket, string Key, long Size, string ETag, DateTimeOffset LastModified, string? VersionId = null);

/// <summary>
/// The one I/O seam between the steps and object storage. The folder store and the S3 store
/// implement the same semantics (same keys, atomic visibility of writes, streaming reads), so a
/// step never knows which one it runs on.
/// </summary>
public interface IObjectStore
{
    /// <summary>A description for logs and summaries, e.g. <c>.etl/</c> or <c>s3://</c>.</summary>
    string Describe(string bucket, string key);

    /// <summary>
    /// The object's file on this machine when the store keeps objects as local files, else null. Lets a
    /// caller use file APIs where they pay (parallel ranged reads of the source, keeping a landed file's
    /// modification time) without asking which store it was given.
    /// </summary>
    string? LocalPath(string bucket, string key);

    Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken ct = default);

    /// <summary>Opens the object for a forward-only streaming read. Throws <see cref="FileNotFoundException"/> when missing.</summary>
    Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken ct = default);

    /// <summary>
    /// Opens bytes <c>[start, limit)</c> of the object for a forward-only read. With <paramref name="etag"/>, fails
    /// with <see cref="Errors.ErrorType.InvalidInput"/> when the object is no longer that version: the pieces of
    /// a split run read ranges of the exact object their plan was made from, never a mix of two uploads.
    /// </summary>
    Task<Stream> OpenRangeReadAsync(string bucket, string key, long start, long limit, string? etag, CancellationToken ct = default);

    /// <summary>
    /// Starts writing an object. Nothing is visible under the key until
    /// <see cref="ObjectWriter.CommitAsync"/>; disposing without committing discards the data.
    /// </summary>
    Task<ObjectWriter> OpenWriteAsync(string bucket, string key, CancellationToken ct = default);

    Task CopyAsync(string sourceBucket, string sourceKey, string targetBucket, string targetKey, CancellationToken ct = default);

    Task DeleteAsync(string bucket, string key, CancellationToken ct = default);

    /// <summary>Replaces the object's tags (S3 object tagging; a sidecar file in the folder store). Used to mark quarantined sources.</summary>
    Task TagAsync(string bucket, string key, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default);

    /// <summary>The object's tags (empty when it has none).</summary>
    Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string bucket, string key, CancellationToken ct = default);

    IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix, CancellationToken ct = default);
}

/// <summary>A write in progress: a stream to fill, then an explicit commit. Dispose without commit aborts.</summary>
public abstract class ObjectWriter : IAsyncDisposable
{
    /// <summary>The stream to write the object's bytes to (forward only).</summary>
    public abstract Stream Stream { get; }

    /// <summary>Makes the object visible under its key, all at once, and returns what the store recorded.</summary>
    public abstract Task<ObjectInfo> CommitAsync(CancellationToken ct = default);

    public abstract ValueTask DisposeAsync();
}
