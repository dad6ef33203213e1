using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;

namespace EtlFunction.Cleaning;

/// <summary>
/// One raw record as copied out of the CSV reader: the record's text and where each field lies in
/// it. Lets worker threads clean records while the reader moves on.
/// </summary>
internal readonly ref struct RawRecord(char[] chars, int start, int length, ReadOnlySpan<int> fieldStarts, ReadOnlySpan<int> fieldLengths, long line)
{
    private readonly char[] _chars = chars;
    private readonly ReadOnlySpan<int> _starts = fieldStarts;
    private readonly ReadOnlySpan<int> _lengths = fieldLengths;

    /// <summary>The record exactly as it stands in the file (no line end).</summary>
    public ReadOnlySpan<char> Span => _chars.AsSpan(start, length);
    /// <summary>The batch's text the record and its fields lie in (unchanged while the batch is being cleaned).</summary>
    public char[] Chars => _chars;
    public int ColCount => _starts.Length;
    public long Line => line;
    public ReadOnlySpan<char> this[int i] => _chars.AsSpan(_starts[i], _lengths[i]);
}

/// <summary>
/// A batch of raw records (their text and field positions) plus one <see cref="RowOutcome"/> per
/// record. Batches are the unit of work of the parallel cleaner and are recycled, so the number of
/// batches in flight — not the file size — bounds its memory.
/// </summary>
internal sealed class RecordBatch
{
    public const int MaxRows = 2048;
    public const int TargetChars = 256 * 1024;

    private char[] _chars = new char[TargetChars + 4096];
    private int _charCount;
    private readonly int[] _rowStart = new int[MaxRows];
    private readonly int[] _rowLength = new int[MaxRows];
    private readonly long[] _lines = new long[MaxRows];
    private readonly int[] _fieldBase = new int[MaxRows + 1];
    private int[] _fieldStart = new int[MaxRows * 16];
    private int[] _fieldLength = new int[MaxRows * 16];

    public int Count { get; private set; }
    public RowOutcome[] Outcomes { get; } = Enumerable.Range(0, MaxRows).Select(_ => new RowOutcome()).ToArray();
    /// <summary>Set by the worker; no spinning before the wait blocks (see <c>RecordPipeline.WorkQueue</c>).</summary>
    public ManualResetEventSlim Done { get; } = new(false, spinCount: 0);
    public Exception? Error { get; set; }

    /// <summary>Copies the record into the batch; false when the batch is full (an empty batch always accepts).</summary>
    public bool TryAdd(SepReader.Row row)
    {
        var text = row.Span;
        var cols = row.ColCount;
        if (Count > 0 && (Count == MaxRows || _charCount + text.Length > TargetChars)) return false;
        EnsureChars(_charCount + text.Length * 2 + 16);
        EnsureFields(_fieldBase[Count] + cols);
        var start = _charCount;
        text.CopyTo(_chars.AsSpan(start));
        _charCount += text.Length;
        var fb = _fieldBase[Count];
        ref var rowRef = ref MemoryMarshal.GetReference(text);
        for (var i = 0; i < cols; i++)
        {
            var field = row[i].Span;
            var offset = field.IsEmpty ? 0 : (long)Unsafe.ByteOffset(ref rowRef, ref MemoryMarshal.GetReference(field)) / sizeof(char);
            if (offset < 0 || offset + field.Length > text.Length)
            {
                // Not a slice of the record text: keep a copy of its own.
                EnsureChars(_charCount + field.Length);
                field.CopyTo(_chars.AsSpan(_charCount));
                offset = _charCount - start;
                _charCount += field.Length;
            }
            _fieldStart[fb + i] = start + (int)offset;
            _fieldLength[fb + i] = field.Length;
        }
        _rowStart[Count] = start;
        _rowLength[Count] = text.Length;
        _lines[Count] = row.LineNumberFrom;
        Count++;
        _fieldBase[Count] = fb + cols;
        return true;
    }

    public RawRecord Record(int i)
    {
        var fb = _fieldBase[i];
        var n = _fieldBase[i + 1] - fb;
        return new RawRecord(_chars, _rowStart[i], _rowLength[i], _fieldStart.AsSpan(fb, n), _fieldLength.AsSpan(fb, n), _lines[i]);
    }

    public void Reset()
    {
        for (var i = 0; i < Count; i++) Outcomes[i].Reset();
        Count = 0;
        _charCount = 0;
        _fieldBase[0] = 0;
        Error = null;
        Done.Reset();
    }

    private void EnsureChars(int n)
    {
        if (n > _chars.Length) Array.Resize(ref _chars, Math.Max(n, _chars.Length * 2));
    }

    private void EnsureFields(int n)
    {
        if (n <= _fieldStart.Length) return;
        Array.Resize(ref _fieldStart, Math.Max(n, _fieldStart.Length * 2));
        Array.Resize(ref _fieldLength, _fieldStart.Length);
    }
}
