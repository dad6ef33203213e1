namespace EtlFunction.Cleaning;

/// <summary>
/// A batch of raw records (their UTF-8 bytes as they stand in the file, and the line each starts on)
/// plus one <see cref="RowOutcome"/> per record. Batches are the unit of work of the parallel cleaner
/// and are recycled, so the number of batches in flight — not the file size — bounds its memory. The
/// reading thread only copies bytes in; decoding and splitting into fields happen on the workers
/// (<see cref="RecordDecoder"/>).
/// </summary>
internal sealed class RecordBatch
{
    public const int MaxRows = 2048;
    public const int TargetBytes = 256 * 1024;

    private byte[] _bytes = new byte[TargetBytes + 4096];
    private int _byteCount;
    private readonly int[] _rowStart = new int[MaxRows];
    private readonly int[] _rowLength = new int[MaxRows];
    private readonly long[] _lines = new long[MaxRows];

    public int Count { get; private set; }
    public RowOutcome[] Outcomes { get; } = Enumerable.Range(0, MaxRows).Select(_ => new RowOutcome()).ToArray();
    /// <summary>Set by the worker; no spinning before the wait blocks (see <c>RecordPipeline.WorkQueue</c>).</summary>
    public ManualResetEventSlim Done { get; } = new(false, spinCount: 0);
    public Exception? Error { get; set; }

    /// <summary>Copies the record into the batch; false when the batch is full (an empty batch always accepts).</summary>
    public bool TryAdd(ReadOnlySpan<byte> record, long line)
    {
        if (Count > 0 && (Count == MaxRows || _byteCount + record.Length > TargetBytes)) return false;
        if (_byteCount + record.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_byteCount + record.Length, _bytes.Length * 2));
        record.CopyTo(_bytes.AsSpan(_byteCount));
        _rowStart[Count] = _byteCount;
        _rowLength[Count] = record.Length;
        _lines[Count] = line;
        _byteCount += record.Length;
        Count++;
        return true;
    }

    /// <summary>The bytes of record <paramref name="i"/> (no line end).</summary>
    public ReadOnlySpan<byte> Bytes(int i) => _bytes.AsSpan(_rowStart[i], _rowLength[i]);

    /// <summary>The line record <paramref name="i"/> starts on.</summary>
    public long Line(int i) => _lines[i];

    public void Reset()
    {
        for (var i = 0; i < Count; i++) Outcomes[i].Reset();
        Count = 0;
        _byteCount = 0;
        Error = null;
        Done.Reset();
    }
}
