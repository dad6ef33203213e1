namespace EtlFunction.Contracts.Inference;

/// <summary>
/// The contract's NULL tokens with a length filter in front: most values are not NULL and are
/// ruled out by their length alone, which keeps the per-value cost of the scan low.
/// </summary>
internal sealed class NullTokens(IReadOnlyList<string> tokens)
{
    private readonly string[] _tokens = [.. tokens];
    private readonly int _maxLength = tokens.Count == 0 ? -1 : tokens.Max(t => t.Length);

    public bool IsNull(ReadOnlySpan<char> v)
    {
        if (v.Length > _maxLength) return false;
        foreach (var t in _tokens)
        {
            if (v.SequenceEqual(t)) return true;
        }
        return false;
    }
}
