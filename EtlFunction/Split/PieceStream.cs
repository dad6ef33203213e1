using EtlFunction.Storage;

namespace EtlFunction.Split;

/// <summary>
/// One piece of a split file as a complete CSV: the header bytes, then the piece's byte range
/// (a local file range, or a ranged GET of the S3 object), read forward.
/// </summary>
internal sealed class PieceStream(byte[] header, Stream body) : ForwardReadStream
{
    private int _headerPos;

    /// <summary>The piece <c>[start, end)</c> of a local file, with its own handle (pieces are read concurrently).</summary>
    public PieceStream(string path, byte[] header, long start, long end)
        : this(header, OpenRange(path, start, end))
    {
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headerPos < header.Length)
        {
            var h = Math.Min(buffer.Length, header.Length - _headerPos);
            header.AsSpan(_headerPos, h).CopyTo(buffer);
            _headerPos += h;
            return h;
        }
        return body.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) body.Dispose();
        base.Dispose(disposing);
    }

    private static RangeStream OpenRange(string path, long start, long end)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan) { Position = start };
        return new RangeStream(file, end - start);
    }
}
