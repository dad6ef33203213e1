namespace EtlFunction.Cleaning;

/// <summary>
/// Remembers primary keys seen in one file for the dedupe policy, mapping each key to an int
/// (the row's ordinal in the output for keep_last, its line for reject). Integer keys live in a
/// <see cref="LongKeyTable"/>: at most 22.5 bytes per distinct key (≤ 22.5 MB per million keys, the
/// part of preprocess memory that grows with the file); other keys use a
/// <see cref="Dictionary{TKey,TValue}"/> of strings (≈ 60 bytes plus the key text).
/// </summary>
internal sealed class KeyTracker
{
    private readonly LongKeyTable _longs = new();
    private bool _hasMinValue;
    private int _minValueValue;
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);

    public long Count => _longs.Count + (_hasMinValue ? 1 : 0) + _strings.Count;

    /// <summary>Adds the key with <paramref name="value"/>; when it was there, returns false and the previous value (replaced when <paramref name="replace"/>).</summary>
    public bool TryAdd(long key, int value, bool replace, out int previous)
    {
        if (key != LongKeyTable.Empty) return _longs.TryAdd(key, value, replace, out previous);
        previous = 0;
        if (_hasMinValue)
        {
            previous = _minValueValue;
            if (replace) _minValueValue = value;
            return false;
        }
        _hasMinValue = true;
        _minValueValue = value;
        return true;
    }

    /// <summary>Forgets every key, keeping the integer table's blocks for the next use (<see cref="KeySpill"/> partitions).</summary>
    public void Clear()
    {
        _longs.Clear();
        _hasMinValue = false;
        _strings.Clear();
    }

    public bool TryAdd(string key, int value, bool replace, out int previous)
    {
        if (_strings.TryGetValue(key, out previous))
        {
            if (replace) _strings[key] = value;
            return false;
        }
        _strings[key] = value;
        return true;
    }
}

/// <summary>A growable set of row ordinals (one bit each): the rows a later duplicate superseded.</summary>
internal sealed class OrdinalSet
{
    private ulong[] _bits = new ulong[1024];
    public long Count { get; private set; }

    public void Add(int ordinal)
    {
        var w = ordinal >> 6;
        if (w >= _bits.Length) Array.Resize(ref _bits, Math.Max(w + 1, _bits.Length * 2));
        var mask = 1UL << (ordinal & 63);
        if ((_bits[w] & mask) == 0)
        {
            _bits[w] |= mask;
            Count++;
        }
    }

    public bool Contains(long ordinal)
    {
        var w = ordinal >> 6;
        return w < _bits.Length && (_bits[w] & (1UL << (int)(ordinal & 63))) != 0;
    }
}
