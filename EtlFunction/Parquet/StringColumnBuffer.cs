using System.Buffers;
using System.Runtime.InteropServices;
using Encoding = System.Text.Encoding;
using EtlFunction.Contracts;
using EtlFunction.ProcessedCsv;
using ParquetSharp;

namespace EtlFunction.Parquet;

/// <summary>
/// A string column buffered as one UTF-8 byte array plus end offsets. At write time the byte
/// array is pinned and each value becomes a <see cref="ByteArray"/> (pointer, length), which is
/// what the native writer reads; no per-value native allocation or copy is made on our side. The
/// pin is held until the row group is closed (<see cref="Clear"/>), so the native writer never
/// sees memory move while it still may reference it.
/// </summary>
internal sealed class StringColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing) : ColumnBuffer(spec, ordinal, sizing)
{
    private byte[] _bytes = [];
    private int _used;
    private int[] _ends = [];
    private GCHandle _pin;

    /// <summary>
    /// Values are handed to the writer a chunk at a time, so the (pointer, length) pairs cost 64 KiB
    /// instead of 16 bytes a row (2 MiB a column per 128K-row group, twice with double buffering). A
    /// multiple of the writer's batch size (1024): pages break exactly where one call would break them.
    /// </summary>
    private const int WriteChunkRows = 4096;

    protected override long ValueBytes => _used + Count * 4L;

    protected override void AppendValue(CanonicalCsvReader row, int ordinal)
    {
        var s = row.GetChars(ordinal);
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (_bytes.Length - _used < max) ColumnArrays.GrowByHalf(ref _bytes, _used, _used + max);
        _used += Encoding.UTF8.GetBytes(s, _bytes.AsSpan(_used));
        if (Count == _ends.Length) ColumnArrays.Grow(ref _ends, Count, Count + 1, Sizing);
        _ends[Count++] = _used;
    }

    public override bool DictionaryOverflows(long limitBytes)
    {
        const int LengthPrefix = 4; // a PLAIN byte array: 4 bytes of length, then the bytes
        if (_used + (long)LengthPrefix * Count <= limitBytes) return false;
        var seen = new HashSet<int>(new SameValue(this));
        var size = 0L;
        for (var i = 0; i < Count; i++)
        {
            if (seen.Add(i) && (size += LengthPrefix + Value(i).Length) > limitBytes) return true;
        }
        return false;
    }

    private ReadOnlySpan<byte> Value(int i)
    {
        var start = i == 0 ? 0 : _ends[i - 1];
        return _bytes.AsSpan(start, _ends[i] - start);
    }

    /// <summary>Compares buffered values by index, on their bytes.</summary>
    private sealed class SameValue(StringColumnBuffer buffer) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => buffer.Value(x).SequenceEqual(buffer.Value(y));

        public int GetHashCode(int i)
        {
            var hash = new HashCode();
            hash.AddBytes(buffer.Value(i));
            return hash.ToHashCode();
        }
    }

    protected override void WriteValues(ColumnWriter writer, int rows, ReadOnlySpan<short> defLevels)
    {
        if (!_pin.IsAllocated)
        {
            if (_bytes.Length == 0) ColumnArrays.GrowByHalf(ref _bytes, 0, 1);
            _pin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
        }
        var start = _pin.AddrOfPinnedObject();
        var refs = ArrayPool<ByteArray>.Shared.Rent(WriteChunkRows);
        try
        {
            var value = 0;
            var previous = 0;
            for (var first = 0; first < rows; first += WriteChunkRows)
            {
                var n = Math.Min(WriteChunkRows, rows - first);
                var levels = defLevels.IsEmpty ? default : defLevels.Slice(first, n);
                var values = levels.IsEmpty ? n : n - levels.Count((short)0);
                for (var i = 0; i < values; i++, value++)
                {
                    refs[i] = new ByteArray(start + previous, _ends[value] - previous);
                    previous = _ends[value];
                }
                ((ColumnWriter<ByteArray>)writer).WriteBatch(n, levels, default, refs.AsSpan(0, values));
            }
        }
        finally
        {
            ArrayPool<ByteArray>.Shared.Return(refs);
        }
    }

    public override void Clear()
    {
        if (_pin.IsAllocated) _pin.Free();
        base.Clear();
        _used = 0;
    }

    public override void Release()
    {
        Clear();
        base.Release();
        _bytes = [];
        _ends = [];
    }
}
