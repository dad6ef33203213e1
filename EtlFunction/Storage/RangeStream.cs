namespace EtlFunction.Storage;

/// <summary>
/// The next <c>length</c> bytes of an inner stream, then end of stream: a byte range of a local file
/// read the way S3 returns a ranged GET. A source that ends early is an error, not a short range.
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
        if (n == 0) throw new EndOfStreamException($"the source ended {_left} bytes before the end of the range");
        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
