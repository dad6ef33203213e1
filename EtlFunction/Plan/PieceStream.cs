using EtlFunction.Storage;

namespace EtlFunction.Plan;

/// <summary>
/// One piece of a split file as a complete CSV: the header bytes, then the file's bytes
/// <c>[start, end)</c>, read forward with its own file handle (pieces are read concurrently).
/// </summary>
internal sealed class PieceStream : ForwardReadStream
{
    private readonly byte[] _header;
    private readonly FileStream _file;
    private int _headerPos;
    private long _left;

    public PieceStream(string path, byte[] header, long start, long end)
    {
        _header = header;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _file.Position = start;
        _left = end - start;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headerPos < _header.Length)
        {
            var h = Math.Min(buffer.Length, _header.Length - _headerPos);
            _header.AsSpan(_headerPos, h).CopyTo(buffer);
            _headerPos += h;
            return h;
        }
        if (_left <= 0 || buffer.IsEmpty) return 0;
        var n = _file.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        if (n == 0) throw new EndOfStreamException("the file is shorter than its plan: it changed while being read");
        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
