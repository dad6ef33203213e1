using System.Buffers;

namespace EtlFunction.Storage;

/// <summary>
/// The bytes of one multipart part, held in 1 MiB blocks rented from the shared pool as data arrives, so
/// a writer of a small object holds only what it was given (several archive partitions may be open at
/// once), and a full part costs exactly its size. <see cref="OpenRead"/> gives the SDK a seekable view
/// (it needs the length, hashes the payload and rewinds on retries) without copying.
/// </summary>
internal sealed class PartBuffer(int capacity) : IDisposable
{
    private const int BlockSize = 1 << 20;
    private readonly List<byte[]> _blocks = [];

    public int Capacity { get; } = capacity;
    public int Length { get; private set; }
    public bool IsFull => Length == Capacity;

    /// <summary>Copies as much of <paramref name="data"/> as fits and returns how many bytes were taken.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        var taken = 0;
        while (taken < data.Length && Length < Capacity)
        {
            var inBlock = Length % BlockSize;
            if (inBlock == 0 && Length / BlockSize == _blocks.Count) _blocks.Add(ArrayPool<byte>.Shared.Rent(BlockSize));
            var block = _blocks[Length / BlockSize];
            var n = Math.Min(Math.Min(BlockSize - inBlock, Capacity - Length), data.Length - taken);
            data.Slice(taken, n).CopyTo(block.AsSpan(inBlock, n));
            taken += n;
            Length += n;
        }
        return taken;
    }

    /// <summary>A read-only, seekable stream over the bytes; valid until <see cref="Dispose"/>.</summary>
    public Stream OpenRead() => new View(this);

    public void Dispose()
    {
        foreach (var b in _blocks) ArrayPool<byte>.Shared.Return(b);
        _blocks.Clear();
        Length = 0;
    }

    private sealed class View(PartBuffer part) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => part.Length;

        public override long Position
        {
            get => _position;
            set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (total < buffer.Length && _position < part.Length)
            {
                var block = part._blocks[(int)(_position / BlockSize)];
                var inBlock = (int)(_position % BlockSize);
                var n = (int)Math.Min(Math.Min(BlockSize - inBlock, part.Length - _position), buffer.Length - total);
                block.AsSpan(inBlock, n).CopyTo(buffer[total..]);
                total += n;
                _position += n;
            }
            return total;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => part.Length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
