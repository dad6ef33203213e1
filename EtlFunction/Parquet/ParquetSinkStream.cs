using System.Buffers;

namespace EtlFunction.Parquet;

/// <summary>
/// The write-only stream handed to ParquetSharp in front of the caller's output stream.
/// ParquetSharp's <c>ManagedOutputStream</c> answers the native writer's <c>Tell()</c> with
/// <see cref="Stream.Position"/>, which a non-seekable stream (an S3 upload, a pipe) cannot
/// give; the native writer never seeks, so counting the bytes written is enough. It also
/// coalesces the writer's many small writes (page headers of a few bytes) into large blocks.
/// The block buffer is rented on the first write and returned by <see cref="Flush"/> (after each
/// row group), so a partition waiting for its next row group holds no buffer.
/// It never flushes or closes the caller's stream: the caller commits it after the archive.
/// </summary>
internal sealed class ParquetSinkStream(Stream inner, int bufferSize = 256 << 10) : Stream
{
    private byte[] _buffer = [];
    private int _pending;
    private long _position;
    private bool _disposed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("the Parquet sink is write-only and forward-only");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _position += data.Length;
        if (data.Length >= bufferSize)
        {
            Drain();
            inner.Write(data);
            return;
        }
        if (_buffer.Length == 0) _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        if (data.Length > _buffer.Length - _pending) Drain();
        data.CopyTo(_buffer.AsSpan(_pending));
        _pending += data.Length;
    }

    /// <summary>Hands the buffered bytes to the caller's stream (without flushing it) and returns the buffer.</summary>
    public override void Flush()
    {
        Drain();
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Drain()
    {
        if (_pending == 0) return;
        inner.Write(_buffer, 0, _pending);
        _pending = 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Returns the buffer; unflushed bytes are dropped (a failed archive writes nothing more).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
        base.Dispose(disposing);
    }
}
