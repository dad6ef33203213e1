using Amazon.S3;
using Amazon.S3.Model;
using EtlFunction.Errors;

namespace EtlFunction.Storage;

/// <summary>
/// A write to S3 that uploads while the caller is still writing, in bounded memory: bytes fill one part
/// buffer; when it is full and more bytes arrive, it is sent as a multipart part in the background while
/// the next one fills (so at most two parts are held). An object that fits one part is sent as a single
/// PutObject at commit. Nothing is visible under the key before <see cref="CommitAsync"/>
/// (CompleteMultipartUpload is atomic); disposing without commit aborts the multipart upload.
/// Objects are limited to 10,000 parts (48 GiB at the default 5 MiB part size).
/// </summary>
internal sealed class S3ObjectWriter : ObjectWriter
{
    private const int MaxParts = 10_000;

    private readonly S3ObjectStore _store;
    private readonly string _bucket, _key;
    private readonly CancellationToken _ct;
    private readonly S3UploadStream _stream;
    private readonly List<UploadPartResponse> _parts = [];
    private PartBuffer? _filling;
    private PartBuffer? _sending;
    private Task<UploadPartResponse>? _inFlight;
    private string? _uploadId;
    private long _size;
    private bool _committed, _closed;

    public S3ObjectWriter(S3ObjectStore store, string bucket, string key, CancellationToken ct)
    {
        _store = store;
        _bucket = bucket;
        _key = key;
        _ct = ct;
        _stream = new S3UploadStream(this);
    }

    public override Stream Stream => _stream;

    /// <summary>How many multipart parts were uploaded (0 when the object went as one PutObject).</summary>
    internal int PartsUploaded => _parts.Count;

    private IAmazonS3 Client => _store.Client;
    private S3StoreOptions Options => _store.Options;
    private bool Plain => Options.Compatibility == S3Compatibility.Plain;

    /// <summary>Takes the caller's bytes; sends a full part (waiting for the previous one) only when more bytes follow it.</summary>
    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!data.IsEmpty)
        {
            if (_filling is { IsFull: true }) await SendFillingAsync(ct).ConfigureAwait(false);
            data = data[Append(data.Span)..];
        }
    }

    /// <summary>The same for synchronous callers (the cleaner, the Parquet writer run on worker threads): blocks only while a part is sent.</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!data.IsEmpty)
        {
            if (_filling is { IsFull: true }) SendFillingAsync(_ct).AsTask().GetAwaiter().GetResult();
            data = data[Append(data)..];
        }
    }

    private int Append(ReadOnlySpan<byte> data)
    {
        _filling ??= new PartBuffer(Options.PartSize);
        var taken = _filling.Append(data);
        _size += taken;
        return taken;
    }

    public override async Task<ObjectInfo> CommitAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true; // one attempt: after a failed commit the writer can only be disposed (which aborts)
        string etag;
        string? versionId;
        if (_uploadId is null)
        {
            using var body = _filling ?? new PartBuffer(0);
            var put = new PutObjectRequest { BucketName = _bucket, Key = _key, InputStream = body.OpenRead(), AutoCloseStream = true };
            if (Plain) put.UseChunkEncoding = false;
            ApplyEncryption(put);
            var response = await S3Errors.Run("put", _bucket, _key, () => Client.PutObjectAsync(put, ct), ct).ConfigureAwait(false);
            (etag, versionId) = (response.ETag, response.VersionId);
            _filling = null;
        }
        else
        {
            if (_filling is { Length: > 0 }) await SendFillingAsync(ct).ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            var complete = new CompleteMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId };
            complete.AddPartETagsAndChecksums(_parts);
            var response = await S3Errors.Run("complete upload", _bucket, _key, () => Client.CompleteMultipartUploadAsync(complete, ct), ct).ConfigureAwait(false);
            (etag, versionId) = (response.ETag, response.VersionId);
        }
        _committed = true;
        // One HEAD for the last-modified time. Its ETag is what every later HEAD and LIST reports; on S3
        // it equals the commit's, but some emulators report a multipart object's whole MD5 there.
        ObjectInfo? head = null;
        try
        {
            head = await _store.HeadAsync(_bucket, _key, ct).ConfigureAwait(false);
        }
        catch (EtlException e) when (e.Type == ErrorType.TransientError)
        {
            // The object is committed; a failed HEAD must not turn that into a failure.
        }
        var same = head is not null && head.Size == _size;
        return new ObjectInfo(_bucket, _key, _size, same ? head!.ETag : S3ObjectStore.Unquote(etag),
            same ? head!.LastModified : DateTimeOffset.UtcNow, versionId ?? head?.VersionId);
    }

    public override async ValueTask DisposeAsync()
    {
        _closed = true;
        if (_inFlight is not null)
        {
            try { await _inFlight.ConfigureAwait(false); }
            catch (Exception) { /* the upload is abandoned anyway */ }
            _inFlight = null;
        }
        if (!_committed && _uploadId is not null)
        {
            var abort = new AbortMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId };
            // Best effort: a failed abort leaves invisible parts that the bucket's lifecycle rule
            // (AbortIncompleteMultipartUpload) removes; it never makes a partial object visible.
            try { await Client.AbortMultipartUploadAsync(abort, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException) { }
            _uploadId = null;
        }
        _filling?.Dispose();
        _sending?.Dispose();
        _filling = _sending = null;
    }

    /// <summary>Starts the upload of the filled buffer after the previous part has finished.</summary>
    private async ValueTask SendFillingAsync(CancellationToken ct)
    {
        _uploadId ??= await StartAsync(ct).ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
        if (_parts.Count + 1 > MaxParts)
        {
            throw new EtlException(ErrorType.InvalidInput, $"s3://{_bucket}/{_key} would need more than {MaxParts} parts of {Options.PartSize} bytes");
        }
        var part = _filling!;
        _filling = null;
        _sending = part;
        var request = new UploadPartRequest
        {
            BucketName = _bucket,
            Key = _key,
            UploadId = _uploadId,
            PartNumber = _parts.Count + 1,
            InputStream = part.OpenRead(),
        };
        if (Plain) request.UseChunkEncoding = false;
        else request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
        _inFlight = S3Errors.Run("upload part", _bucket, _key, () => Client.UploadPartAsync(request, _ct), _ct);
    }

    /// <summary>Waits for the part in flight, records it, and frees its buffer.</summary>
    private async ValueTask DrainAsync()
    {
        if (_inFlight is null) return;
        var task = _inFlight;
        _inFlight = null;
        try
        {
            var response = await task.ConfigureAwait(false);
            response.PartNumber ??= _parts.Count + 1;
            _parts.Add(response);
        }
        finally
        {
            _sending?.Dispose();
            _sending = null;
        }
    }

    private async Task<string> StartAsync(CancellationToken ct)
    {
        var request = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _key };
        if (!Plain) request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
        ApplyEncryption(request);
        var response = await S3Errors.Run("start upload", _bucket, _key, () => Client.InitiateMultipartUploadAsync(request, ct), ct).ConfigureAwait(false);
        return response.UploadId;
    }

    private void ApplyEncryption(PutObjectRequest r)
    {
        if (Options.ServerSideEncryption is null) return;
        r.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(Options.ServerSideEncryption);
        if (Options.KmsKeyId is not null) r.ServerSideEncryptionKeyManagementServiceKeyId = Options.KmsKeyId;
    }

    private void ApplyEncryption(InitiateMultipartUploadRequest r)
    {
        if (Options.ServerSideEncryption is null) return;
        r.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(Options.ServerSideEncryption);
        if (Options.KmsKeyId is not null) r.ServerSideEncryptionKeyManagementServiceKeyId = Options.KmsKeyId;
    }

    /// <summary>The stream handed to the caller: write-only, forward-only; disposing it does not end the write.</summary>
    private sealed class S3UploadStream(S3ObjectWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !writer._closed;
        public override long Length => writer._size;

        public override long Position
        {
            get => writer._size;
            set => throw new NotSupportedException("an S3 upload is written forward only");
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            writer.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
