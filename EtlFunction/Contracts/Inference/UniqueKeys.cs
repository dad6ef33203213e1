using EtlFunction.Cleaning;
using EtlFunction.Values;

namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Proves a key-like column unique by remembering every value as a 64-bit key in the cleaner's
/// <see cref="KeyTracker"/> (the table dedupe uses, at most 22.5 bytes a key): the integer itself
/// when the text is a canonical integer, otherwise a 64-bit FNV-1a hash of the text. A hash
/// collision can only make two different values look equal, i.e. a key look not unique, which
/// errs on the safe side (no primary key). Tracking stops at a limit, and then uniqueness is
/// unknown (see <see cref="InferenceOptions.MaxTrackedKeys"/>).
/// </summary>
internal sealed class UniqueKeys(int limit)
{
    private KeyTracker? _seen = new();

    public bool GaveUp => _seen is null && FirstDuplicate is null;
    public Sample? FirstDuplicate { get; private set; }

    public void Add(ReadOnlySpan<char> value, long line)
    {
        if (_seen is null) return;
        var key = IsCanonicalInteger(value) && ValueParser.TryParseInt64(value, null, out var l) ? l : Hash(value);
        if (!_seen.TryAdd(key, 0, replace: false, out _))
        {
            FirstDuplicate = new Sample(value.ToString(), line);
            _seen = null;
        }
        else if (_seen.Count > limit)
        {
            _seen = null;
        }
    }

    private static bool IsCanonicalInteger(ReadOnlySpan<char> v)
    {
        var digits = v.Length > 0 && v[0] == '-' ? v[1..] : v;
        return digits.Length > 0 && (digits[0] != '0' || digits.Length == 1) && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static long Hash(ReadOnlySpan<char> v)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in v)
        {
            h = (h ^ ch) * 1099511628211UL;
        }
        return (long)h;
    }
}
