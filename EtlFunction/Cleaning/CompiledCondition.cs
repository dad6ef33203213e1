using System.Globalization;
using System.Text.RegularExpressions;
using EtlFunction.Contracts;

namespace EtlFunction.Cleaning;

/// <summary>
/// A <see cref="Condition"/> with its literals parsed once into the column's value representation,
/// so evaluating it per row costs a few integer compares. <see cref="Evaluate"/> returns null when
/// the value satisfies every part, otherwise the reason (used verbatim in the rejects file).
/// </summary>
internal sealed class CompiledCondition
{
    private readonly ColumnType _type;
    private readonly Condition _source;
    private readonly long? _minL, _maxL;
    private readonly double? _minD, _maxD;
    private readonly HashSet<long>? _inL, _notInL;
    private readonly HashSet<double>? _inD, _notInD;
    private readonly HashSet<string>? _inS, _notInS;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _inSLookup, _notInSLookup;
    private readonly Regex? _pattern;

    public CompiledCondition(ColumnType type, Condition c)
    {
        _type = type;
        _source = c;
        var isDouble = type.Kind == TypeKind.Double;
        var inList = (c.In ?? []).Concat(c.EqualsValue is null ? [] : [c.EqualsValue]).ToList();
        var notInList = (c.NotIn ?? []).Concat(c.NotEqualsValue is null ? [] : [c.NotEqualsValue]).ToList();
        if (c.In is not null || c.EqualsValue is not null)
        {
            if (type.Kind == TypeKind.String) _inS = new HashSet<string>(inList, StringComparer.Ordinal);
            else if (isDouble) _inD = inList.Select(v => Lit(v).D).ToHashSet();
            else _inL = inList.Select(v => Lit(v).L).ToHashSet();
        }
        if (c.NotIn is not null || c.NotEqualsValue is not null)
        {
            if (type.Kind == TypeKind.String) _notInS = new HashSet<string>(notInList, StringComparer.Ordinal);
            else if (isDouble) _notInD = notInList.Select(v => Lit(v).D).ToHashSet();
            else _notInL = notInList.Select(v => Lit(v).L).ToHashSet();
        }
        if (_inS is not null) _inSLookup = _inS.GetAlternateLookup<ReadOnlySpan<char>>();
        if (_notInS is not null) _notInSLookup = _notInS.GetAlternateLookup<ReadOnlySpan<char>>();
        if (c.Min is not null)
        {
            if (isDouble) _minD = Lit(c.Min).D;
            else _minL = Lit(c.Min).L;
        }
        if (c.Max is not null)
        {
            if (isDouble) _maxD = Lit(c.Max).D;
            else _maxL = Lit(c.Max).L;
        }
        if (c.Pattern is not null) _pattern = ContractRegex.FullMatch(c.Pattern);
    }

    private (long L, double D) Lit(string text) =>
        _type.TryParseLiteral(text, out var l, out var d) ? (l, d) : throw new ArgumentException($"'{text}' is not a valid {_type}");

    /// <summary>Evaluates on a NULL value.</summary>
    public string? EvaluateNull()
    {
        if (_source.IsNull == false) return "value is NULL";
        if (_inS is not null || _inL is not null || _inD is not null) return "NULL is not one of the allowed values";
        return null;
    }

    /// <summary>
    /// Evaluates on a typed value; <paramref name="text"/> is the cleaned text (for strings and messages).
    /// A <c>pattern</c> running over <see cref="ContractRegex.MatchTimeout"/> throws
    /// <see cref="RegexMatchTimeoutException"/>: the caller rejects the row (<see cref="TimeoutReason"/>).
    /// </summary>
    public string? Evaluate(ReadOnlySpan<char> text, long l, double d)
    {
        if (_source.IsNull == true) return $"value '{Show(text)}' is not NULL";
        switch (_type.Kind)
        {
            case TypeKind.String:
                if (_inS is not null && !_inSLookup.Contains(text)) return $"'{Show(text)}' is not one of [{string.Join(", ", _source.In ?? [_source.EqualsValue!])}]";
                if (_notInS is not null && _notInSLookup.Contains(text)) return $"'{Show(text)}' is not allowed";
                if (_source.MinLength is { } minLen && Length(text) < minLen) return $"length {Length(text)} is under min_length {minLen}";
                if (_source.MaxLength is { } maxLen && Length(text) > maxLen) return $"length {Length(text)} is over max_length {maxLen}";
                if (_pattern is not null && !_pattern.IsMatch(text)) return $"'{Show(text)}' does not match pattern {_source.Pattern}";
                return null;
            case TypeKind.Double:
                if (_inD is not null && !_inD.Contains(d)) return $"{Show(text)} is not one of [{string.Join(", ", _source.In ?? [_source.EqualsValue!])}]";
                if (_notInD is not null && _notInD.Contains(d)) return $"{Show(text)} is not allowed";
                if (_minD is { } minD && d < minD) return $"{Show(text)} is below the minimum {_source.Min}";
                if (_maxD is { } maxD && d > maxD) return $"{Show(text)} is above the maximum {_source.Max}";
                return null;
            default:
                if (_inL is not null && !_inL.Contains(l)) return $"{Show(text)} is not one of [{string.Join(", ", _source.In ?? [_source.EqualsValue!])}]";
                if (_notInL is not null && _notInL.Contains(l)) return $"{Show(text)} is not allowed";
                if (_minL is { } minL && l < minL) return $"{Show(text)} is below the minimum {_source.Min}";
                if (_maxL is { } maxL && l > maxL) return $"{Show(text)} is above the maximum {_source.Max}";
                return null;
        }
    }

    public string TimeoutReason(ReadOnlySpan<char> text) => ContractRegex.TimeoutReason(_source.Pattern!, text.Length);

    private static int Length(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var ch in s) if (!char.IsLowSurrogate(ch)) n++;
        return n;
    }

    internal static string Show(ReadOnlySpan<char> s) =>
        s.Length <= 80 ? s.ToString() : string.Concat(s[..77], "...(", s.Length.ToString(CultureInfo.InvariantCulture), " chars)");
}
