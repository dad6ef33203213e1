using System.Numerics;

namespace EtlFunction.Cleaning;

/// <summary>
/// Remembers primary keys seen in one file for the dedupe policy, mapping each key to an int
/// (the row's ordinal in the output for keep_last, its line for reject). Integer keys live in an
/// open-addressing table of parallel <c>long[]</c>/<c>int[]</c> arrays: 12 bytes a slot at a load
/// of at most 0.7, so about 17–34 bytes per distinct key (1,000,000 keys ≈ 24 MiB); other keys
/// use a <see cref="Dictionary{TKey,TValue}"/> of strings (≈ 60 bytes plus the key text).
/// </summary>
internal sealed class KeyTracker
{
    private const long Empty = long.MinValue;
    private long[] _keys = NewKeys(1 << 16);
    private int[] _values = new int[1 << 16];
    private int _count;
    private bool _hasMinValue;
    private int _minValueValue;
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);

    public long Count => _count + (_hasMinValue ? 1 : 0) + _strings.Count;

    /// <summary>Adds the key with <paramref name="value"/>; when it was there, returns false and the previous value (replaced when <paramref name="replace"/>).</summary>
    public bool TryAdd(long key, int value, bool replace, out int previous)
    {
        previous = 0;
        if (key == Empty)
        {
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
        var mask = _keys.Length - 1;
        var i = (int)(Mix(key) & (ulong)mask);
        while (true)
        {
            var k = _keys[i];
            if (k == Empty) break;
            if (k == key)
            {
                previous = _values[i];
                if (replace) _values[i] = value;
                return false;
            }
            i = (i + 1) & mask;
        }
        _keys[i] = key;
        _values[i] = value;
        if (++_count > _keys.Length * 7 / 10) Grow();
        return true;
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

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        _keys = NewKeys(oldKeys.Length * 2);
        _values = new int[oldKeys.Length * 2];
        var mask = _keys.Length - 1;
        for (var j = 0; j < oldKeys.Length; j++)
        {
            var k = oldKeys[j];
            if (k == Empty) continue;
            var i = (int)(Mix(k) & (ulong)mask);
            while (_keys[i] != Empty) i = (i + 1) & mask;
            _keys[i] = k;
            _values[i] = oldValues[j];
        }
    }

    private static long[] NewKeys(int n)
    {
        var a = new long[n];
        a.AsSpan().Fill(Empty);
        return a;
    }

    // Fibonacci hashing spreads sequential ids over the table.
    private static ulong Mix(long key) => BitOperations.RotateLeft((ulong)key * 0x9E3779B97F4A7C15UL, 32);
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
