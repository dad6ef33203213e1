namespace EtlFunction.Tests.Unit.Encodings;

/// <summary>
/// Serves its bytes in reads of the given sizes, in turn: a decoder behind it meets buffer edges
/// inside multi-byte characters, code units and surrogate pairs, as it may with a network stream.
/// </summary>
internal sealed class TrickleStream(byte[] data, int[] sizes) : Stream
{
    private int _pos;
    private int _turn;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _pos; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, sizes[_turn++ % sizes.Length]), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
