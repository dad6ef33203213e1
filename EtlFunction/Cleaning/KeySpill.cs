using System.Buffers.Binary;

namespace EtlFunction.Cleaning;

/// <summary>
/// <c>keep_last</c> dedupe of integer keys without holding every distinct key at once: during the
/// pass each written row's (key, ordinal) goes to one of 64 files in the temp folder, chosen by a
/// hash of the key (12 bytes a row on disk, 64 KiB of buffer per file in memory); afterwards each
/// file is read back in order through one <see cref="KeyTracker"/>, and an ordinal that a later row
/// with the same key replaces is superseded — exactly the rows the in-memory table would drop, since
/// every occurrence of a key is in the same file, in file order. Memory is then the largest
/// partition's table (~1/64 of the keys, ≤ 22.5 bytes each) instead of all of them: the step's bound
/// no longer grows with the number of distinct keys, only the superseded-row bit set does (one bit a row).
/// </summary>
internal sealed class KeySpill : IDisposable
{
    private const int PartitionBits = 6;
    private const int RecordBytes = 12;
    private const int BufferBytes = 64 << 10;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"etl-keys-{Guid.NewGuid():N}");
    private readonly FileStream?[] _files = new FileStream?[1 << PartitionBits];
    private readonly byte[]?[] _buffers = new byte[]?[1 << PartitionBits];
    private readonly int[] _filled = new int[1 << PartitionBits];

    public KeySpill() => Directory.CreateDirectory(_folder);

    /// <summary>Records that output row <paramref name="ordinal"/> has <paramref name="key"/>; called in output order.</summary>
    public void Add(long key, int ordinal)
    {
        // Not the table's hash (top bits of key × 2^64/φ pick its segment), so one partition still fills all segments.
        var p = (int)(((ulong)key * 0xC2B2AE3D27D4EB4FUL) >> (64 - PartitionBits));
        var buffer = _buffers[p] ??= new byte[BufferBytes];
        if (_filled[p] + RecordBytes > buffer.Length) Flush(p);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(_filled[p]), key);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(_filled[p] + 8), ordinal);
        _filled[p] += RecordBytes;
    }

    /// <summary>Adds every superseded ordinal to <paramref name="superseded"/>; returns the distinct keys and the superseded rows.</summary>
    public (long DistinctKeys, long Superseded) Resolve(OrdinalSet superseded, CancellationToken ct)
    {
        long distinct = 0, dropped = 0;
        var keys = new KeyTracker();
        var chunk = new byte[BufferBytes];
        for (var p = 0; p < _files.Length; p++)
        {
            ct.ThrowIfCancellationRequested();
            var inMemory = _buffers[p] is { } b ? b.AsSpan(0, _filled[p]) : default;
            if (_files[p] is { } file)
            {
                if (!inMemory.IsEmpty) file.Write(inMemory);
                file.Position = 0;
                int n, carry = 0;
                while ((n = file.Read(chunk, carry, chunk.Length - carry)) > 0 || carry > 0)
                {
                    if (n == 0) throw new InvalidDataException("truncated key spill file");
                    var have = carry + n;
                    var whole = have - have % RecordBytes;
                    dropped += Replay(chunk.AsSpan(0, whole), keys, superseded);
                    carry = have - whole;
                    chunk.AsSpan(whole, carry).CopyTo(chunk);
                }
            }
            else
            {
                dropped += Replay(inMemory, keys, superseded);
            }
            distinct += keys.Count;
            keys.Clear();
        }
        return (distinct, dropped);
    }

    private static long Replay(ReadOnlySpan<byte> records, KeyTracker keys, OrdinalSet superseded)
    {
        long dropped = 0;
        for (var i = 0; i < records.Length; i += RecordBytes)
        {
            var key = BinaryPrimitives.ReadInt64LittleEndian(records[i..]);
            var ordinal = BinaryPrimitives.ReadInt32LittleEndian(records[(i + 8)..]);
            if (!keys.TryAdd(key, ordinal, replace: true, out var previous))
            {
                superseded.Add(previous);
                dropped++;
            }
        }
        return dropped;
    }

    private void Flush(int p)
    {
        var file = _files[p] ??= new FileStream(Path.Combine(_folder, $"keys-{p:D2}.bin"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        file.Write(_buffers[p]!, 0, _filled[p]);
        _filled[p] = 0;
    }

    public void Dispose()
    {
        foreach (var f in _files) f?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the files are delete-on-close already.
        }
    }
}
