namespace EtlFunction.Storage;

/// <summary>
/// The next <c>length</c> bytes of an inner stream, then end of stream: a byte range of a local file
/// read the way S3 returns a ranged GET. A source that ends early is a <see cref="Errors.ErrorType.TransientError"/>,
/// not a short range.
/// </summary>
internal sealed class RangeStream(Stream inner, long length) : ForwardReadStream
{
    /// <summary>What a ranged read with an ETag raises, in every store, when the object is no longer that version.</summary>
    public static Errors.EtlException Changed(string where, string? etag, Exception? inner = null) =>
        new(Errors.ErrorType.InvalidInput, $"{where} changed since it was planned (expected ETag {etag}): plan the new version as a new run", inner);

    private long _left = length;

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0 || buffer.IsEmpty) return 0;
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        // A body cut short (a dropped connection, a server that sends less than the Content-Range): the next
        // attempt reads the same version (the ETag is pinned) in full, so retry; the piece never passes short.
        if (n == 0) throw new Errors.EtlException(Errors.ErrorType.TransientError, $"a ranged read ended {_left:N0} bytes before the end of its range: retry");
        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
