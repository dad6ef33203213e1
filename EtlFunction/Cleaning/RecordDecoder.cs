using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Unicode;

namespace EtlFunction.Cleaning;

/// <summary>
/// One raw record as decoded on a worker: the record's text and where each field lies in it (quotes
/// included, as in the file).
/// </summary>
internal readonly ref struct RawRecord(char[] chars, int start, int length, ReadOnlySpan<int> fieldStarts, ReadOnlySpan<int> fieldLengths, long line)
{
    private readonly char[] _chars = chars;
    private readonly ReadOnlySpan<int> _starts = fieldStarts;
    private readonly ReadOnlySpan<int> _lengths = fieldLengths;

    /// <summary>The record exactly as it stands in the file (no line end).</summary>
    public ReadOnlySpan<char> Span => _chars.AsSpan(start, length);
    /// <summary>The text the record and its fields lie in (unchanged while the record is being cleaned).</summary>
    public char[] Chars => _chars;
    public int ColCount => _starts.Length;
    public long Line => line;
    public ReadOnlySpan<char> this[int i] => _chars.AsSpan(_starts[i], _lengths[i]);
}

/// <summary>
/// The worker's half of reading: decodes one record's UTF-8 bytes to text (an invalid sequence becomes
/// one U+FFFD and is counted, as the stream decoder did) and splits it into fields by the CSV reader's
/// rules — a delimiter outside quotes ends a field, every <c>"</c> toggles quoting. Owns its buffers,
/// reused for every record.
/// </summary>
internal sealed class RecordDecoder(char delimiter)
{
    private char[] _chars = new char[1024];
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];

    /// <summary>Invalid UTF-8 sequences in the last record decoded.</summary>
    public int Invalid { get; private set; }

    public RawRecord Decode(ReadOnlySpan<byte> bytes, long line)
    {
        if (_chars.Length < bytes.Length) _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        var length = ToUtf16(bytes, _chars, out var invalid);
        Invalid = invalid;
        var text = _chars.AsSpan(0, length);
        var n = 0;
        var fieldStart = 0;
        var inQuotes = false;
        var i = 0;
        // An ASCII record (as many characters as bytes) is split on its bytes, sixteen at a time: a bit mask of
        // the delimiters and quotes among them, visited bit by bit. Issue #13: the character loop this replaces
        // was the workers' largest cost after the cleaning itself; a search call per field cost more than it
        // found (fields are a dozen characters), and vectors over the characters just decoded stalled on the
        // decoder's stores. Other records, and non-x64 machines, take the character loop below.
        if (length == bytes.Length && delimiter < 0x80 && Sse2.IsSupported)
        {
            var starts = _starts;
            var lengths = _lengths;
            var delimiters = Vector128.Create((byte)delimiter);
            var quotes = Vector128.Create((byte)'"');
            ref var first = ref MemoryMarshal.GetReference(bytes);
            for (; i <= bytes.Length - 16; i += 16)
            {
                var v = Vector128.LoadUnsafe(ref first, (nuint)i);
                var mask = (uint)Sse2.MoveMask(Sse2.Or(Sse2.CompareEqual(v, delimiters), Sse2.CompareEqual(v, quotes)));
                while (mask != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    if (Unsafe.Add(ref first, at) == (byte)'"') inQuotes = !inQuotes;
                    else if (!inQuotes)
                    {
                        if (n == starts.Length) (starts, lengths) = Grow();
                        starts[n] = fieldStart;
                        lengths[n++] = at - fieldStart;
                        fieldStart = at + 1;
                    }
                }
            }
        }
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') inQuotes = !inQuotes;
            else if (c == delimiter && !inQuotes)
            {
                Add(n++, fieldStart, i - fieldStart);
                fieldStart = i + 1;
            }
        }
        Add(n++, fieldStart, length - fieldStart);
        return new RawRecord(_chars, 0, length, _starts.AsSpan(0, n), _lengths.AsSpan(0, n), line);
    }

    /// <summary>Doubles the field arrays; returns them for a caller that holds them in locals.</summary>
    private (int[] Starts, int[] Lengths) Grow()
    {
        Array.Resize(ref _starts, _starts.Length * 2);
        Array.Resize(ref _lengths, _starts.Length);
        return (_starts, _lengths);
    }

    /// <summary>Records field <paramref name="n"/>.</summary>
    private void Add(int n, int start, int length)
    {
        if (n == _starts.Length) Grow();
        _starts[n] = start;
        _lengths[n] = length;
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> into <paramref name="chars"/> (at least as long: UTF-8 never
    /// has fewer bytes than UTF-16 code units), replacing each maximal invalid subsequence with one
    /// U+FFFD and counting it in <paramref name="invalid"/>.
    /// </summary>
    internal static int ToUtf16(ReadOnlySpan<byte> bytes, Span<char> chars, out int invalid)
    {
        invalid = 0;
        var written = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes, chars[written..], out var read, out var w, replaceInvalidSequences: false);
            written += w;
            if (status == OperationStatus.Done) return written;
            // InvalidData (a truncated sequence at the end of the record included: the record is all there is).
            Rune.DecodeFromUtf8(bytes[read..], out _, out var skip);
            chars[written++] = '\uFFFD';
            invalid++;
            bytes = bytes[(read + Math.Max(skip, 1))..];
        }
    }
}
