using Amazon.S3.Model;

namespace EtlFunction.Storage;

/// <summary>
/// The body of a GetObject, read straight from the connection (nothing is buffered beyond the socket's
/// own buffers). It owns the response, so disposing the stream releases the connection, and it reports a
/// connection that breaks mid-body as a typed transient error, which the SDK cannot retry for us.
/// </summary>
internal sealed class S3ReadStream(GetObjectResponse response, string bucket, string key) : Stream
{
    private readonly Stream _inner = response.ResponseStream;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => response.ContentLength;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("an S3 object is read forward only");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            var n = _inner.Read(buffer);
            _position += n;
            return n;
        }
        catch (Exception e) when (S3Errors.Map(e, "read", bucket, key, CancellationToken.None, reading: true) is { } mapped)
        {
            throw mapped;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += n;
            return n;
        }
        catch (Exception e) when (S3Errors.Map(e, "read", bucket, key, cancellationToken, reading: true) is { } mapped)
        {
            throw mapped;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
