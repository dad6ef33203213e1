using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using EtlFunction.Contracts;
using EtlFunction.Values;

namespace EtlFunction.Cleaning;

/// <summary>
/// One contract column compiled for the hot path: unquote, transform, NULL tokens, parse, check —
/// on spans, reusing its own buffers, allocating nothing for a valid value. After
/// <see cref="Clean(ReadOnlySpan{char})"/> the result is in <see cref="IsNull"/>, <see cref="Long"/>,
/// <see cref="Double"/> and <see cref="Text"/>, or the reason in <see cref="Error"/>.
/// </summary>
internal sealed class ColumnCleaner
{
    private readonly string[] _nullTokens;
    private readonly int _maxNullTokenLength;
    private readonly Transform[] _transforms;
    private readonly Regex?[] _regexes;
    private readonly string? _default;
    private readonly DateTimeFormat[] _formats;
    private readonly CompiledCondition? _check;
    private readonly int _maxFieldLength;
    private readonly string[] _trueValues, _falseValues;
    private readonly char? _thousands;
    /// <summary>The fixed part of this column's parse-failure reason, formatted once (rejected rows can be many).</summary>
    private readonly string _failureText;
    private char[] _a = new char[256];
    private char[] _b = new char[256];
    private char[] _value = new char[256];
    /// <summary>Where <see cref="Text"/> lives: the source record, a scratch buffer or <see cref="_value"/>.</summary>
    private char[] _text;
    private int _textStart;
    private int _valueLength;

    public ColumnSpec Spec { get; }
    public ColumnType Type { get; }
    /// <summary>Index of the column's field in the source row.</summary>
    public int SourceIndex { get; }

    public bool IsNull { get; private set; }
    public long Long { get; private set; }
    public double Double { get; private set; }
    /// <summary>The cleaned text (after transforms); for strings it is the value.</summary>
    public ReadOnlySpan<char> Text => _text.AsSpan(_textStart, _valueLength);
    public string? Error { get; private set; }

    public ColumnCleaner(ColumnSpec spec, int sourceIndex, DatasetContract contract)
    {
        _text = _value;
        Spec = spec;
        Type = spec.Type;
        SourceIndex = sourceIndex;
        _nullTokens = (spec.NullValues ?? contract.NullValues).ToArray();
        _maxNullTokenLength = _nullTokens.Length == 0 ? -1 : _nullTokens.Max(t => t.Length);
        _transforms = spec.Transforms.Where(t => t.Kind != TransformKind.Default).ToArray();
        _regexes = _transforms.Select(t => t.Kind == TransformKind.RegexReplace ? ContractRegex.Search(t.From!) : null).ToArray();
        _default = spec.Transforms.LastOrDefault(t => t.Kind == TransformKind.Default)?.To;
        _formats = spec.Formats.Count > 0
            ? spec.Formats.Select(DateTimeFormat.Compile).ToArray()
            : spec.Type.Kind == TypeKind.Timestamp ? ValueParser.DefaultTimestampFormats : ValueParser.DefaultDateFormats;
        _check = spec.Check is { IsEmpty: false } c ? new CompiledCondition(spec.Type, c) : null;
        _maxFieldLength = contract.MaxFieldLength;
        _trueValues = spec.TrueValues.ToArray();
        _falseValues = spec.FalseValues.ToArray();
        _thousands = spec.ThousandsSeparator;
        _failureText = Type.Kind switch
        {
            TypeKind.Date or TypeKind.Timestamp => $"is not a valid {Type} in format {string.Join(" or ", _formats.Select(f => f.Text))}",
            TypeKind.Bool => $"is not a bool (true: {string.Join("/", Spec.TrueValues)}; false: {string.Join("/", Spec.FalseValues)})",
            TypeKind.Decimal => $"is not a {Type} (digits, optional sign and '.', at most {Type.Precision - Type.Scale} integer and {Type.Scale} fraction digits",
            _ => $"is not a valid {Type}",
        };
    }

    /// <summary>Cleans one raw field (as it stands in the file, quotes included). Returns false with <see cref="Error"/> set.</summary>
    public bool Clean(ReadOnlySpan<char> raw) => Clean(raw, null);

    /// <summary>
    /// Cleans a raw field that lies in <paramref name="home"/>, which stays unchanged until the row
    /// is written: <see cref="Text"/> then points into it instead of copying the value (every field
    /// of every row was copied once more only to be read back by the writer).
    /// </summary>
    internal bool Clean(ReadOnlySpan<char> raw, char[]? home)
    {
        Error = null;
        IsNull = false;
        // Text stays where the last value was, now empty; _text is not reset here because every
        // reference store costs a GC write barrier, and this runs for every field.
        _valueLength = 0;
        if (raw.Length > _maxFieldLength)
        {
            return Fail($"field is {raw.Length:N0} characters, over the limit of {_maxFieldLength:N0} (max_field_length)");
        }
        var quoted = false;
        var s = raw;
        if (!raw.IsEmpty && raw[0] == '"')
        {
            if (!Unquote(raw, out s)) return false;
            quoted = true;
        }
        for (var i = 0; i < _transforms.Length; i++) s = Apply(i, s);
        if (Error is not null) return false; // a regex_replace over its match timeout

        if (s.Length <= _maxNullTokenLength && IsNullToken(s, quoted))
        {
            if (_default is null) return SetNull();
            s = _default;
        }
        if (!Parse(s, home)) return false;
        if (_check is not null)
        {
            string? reason;
            try { reason = _check.Evaluate(Text, Long, Double); }
            catch (RegexMatchTimeoutException) { reason = _check.TimeoutReason(Text); }
            if (reason is not null) return Fail(reason);
        }
        return true;
    }

    private bool SetNull()
    {
        IsNull = true;
        if (!Spec.Nullable) return Fail("value is required (NULL or empty)");
        if (_check is not null && _check.EvaluateNull() is { } reason) return Fail(reason);
        return true;
    }

    private bool IsNullToken(ReadOnlySpan<char> s, bool quoted)
    {
        // A quoted empty field is an empty string in a string column (NULL stays distinct from "").
        if (quoted && s.IsEmpty && Type.Kind == TypeKind.String) return false;
        if (s.Length > _maxNullTokenLength) return false;
        foreach (var t in _nullTokens)
        {
            if (s.SequenceEqual(t)) return true;
        }
        return s.IsEmpty;
    }

    private bool Parse(ReadOnlySpan<char> s, char[]? home)
    {
        SetText(s, home);
        long l = 0;
        double d = 0;
        bool ok;
        switch (Type.Kind)
        {
            case TypeKind.String:
                return true;
            case TypeKind.Int32:
                ok = ValueParser.TryParseInt64(s, _thousands, out l) && l is >= int.MinValue and <= int.MaxValue;
                break;
            case TypeKind.Int64:
                ok = ValueParser.TryParseInt64(s, _thousands, out l);
                break;
            case TypeKind.Decimal:
                ok = ValueParser.TryParseDecimal(s, Type.Precision, Type.Scale, _thousands, out l);
                break;
            case TypeKind.Double:
                ok = ValueParser.TryParseDouble(s, _thousands, out d);
                break;
            case TypeKind.Bool:
                ok = ValueParser.TryParseBool(s, _trueValues, _falseValues, out var b);
                l = b ? 1 : 0;
                break;
            case TypeKind.Date:
                ok = ValueParser.TryParseDate(s, _formats, out l);
                break;
            default:
                ok = ValueParser.TryParseTimestamp(s, _formats, out l);
                break;
        }
        if (!ok) return Fail(ParseFailure(s));
        Long = l;
        Double = d;
        return true;
    }

    private string ParseFailure(ReadOnlySpan<char> s)
    {
        var shown = CompiledCondition.Show(s);
        return Type.Kind switch
        {
            TypeKind.Date or TypeKind.Timestamp or TypeKind.Bool => $"'{shown}' {_failureText}",
            TypeKind.Decimal => $"'{shown}' {_failureText}{ThousandsHint(s)})",
            _ => $"'{shown}' {_failureText}{ThousandsHint(s)}",
        };
    }

    private string ThousandsHint(ReadOnlySpan<char> s) =>
        Spec.ThousandsSeparator is null && s.Contains(',') ? "; thousands separators need thousands_separator in the contract" : "";

    private bool Unquote(ReadOnlySpan<char> raw, out ReadOnlySpan<char> content)
    {
        content = default;
        var close = raw[1..].IndexOf('"') + 1;
        if (raw.Length >= 2 && close == raw.Length - 1)
        {
            content = raw[1..^1]; // the common case: no quotes inside
            return true;
        }
        Grow(ref _a, raw.Length);
        var n = 0;
        for (var i = 1; i < raw.Length; i++)
        {
            var ch = raw[i];
            if (ch == '"')
            {
                if (i + 1 < raw.Length && raw[i + 1] == '"')
                {
                    _a[n++] = '"';
                    i++;
                    continue;
                }
                if (i != raw.Length - 1) return Fail("malformed quoted field (text after the closing quote)");
                content = _a.AsSpan(0, n);
                return true;
            }
            _a[n++] = ch;
        }
        return Fail(UnterminatedQuote);
    }

    internal const string UnterminatedQuote = "unterminated quoted field (a quote is opened and never closed)";

    /// <summary>True when a raw field opens a quote that is never closed (the CSV reader then swallows the rest of the file).</summary>
    internal static bool IsUnterminated(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty || raw[0] != '"') return false;
        for (var i = 1; i < raw.Length; i++)
        {
            if (raw[i] != '"') continue;
            if (i + 1 < raw.Length && raw[i + 1] == '"') i++;
            else return false;
        }
        return true;
    }

    private ReadOnlySpan<char> Apply(int index, ReadOnlySpan<char> s)
    {
        var t = _transforms[index];
        switch (t.Kind)
        {
            case TransformKind.Trim:
                return s.Trim();
            case TransformKind.Lower:
            {
                if (!HasUpper(s)) return s;
                var buf = Other(s);
                Grow(ref buf, s.Length);
                var n = s.ToLowerInvariant(buf);
                SetOther(s, buf);
                return buf.AsSpan(0, n);
            }
            case TransformKind.Upper:
            {
                var buf = Other(s);
                Grow(ref buf, s.Length);
                var n = s.ToUpperInvariant(buf);
                SetOther(s, buf);
                return buf.AsSpan(0, n);
            }
            case TransformKind.CollapseSpaces:
            {
                var buf = Other(s);
                Grow(ref buf, s.Length);
                var n = 0;
                var space = false;
                foreach (var ch in s)
                {
                    if (char.IsWhiteSpace(ch))
                    {
                        if (!space && n > 0) buf[n++] = ' ';
                        space = true;
                        continue;
                    }
                    space = false;
                    buf[n++] = ch;
                }
                if (n > 0 && buf[n - 1] == ' ') n--;
                SetOther(s, buf);
                return buf.AsSpan(0, n);
            }
            case TransformKind.Replace:
                return s.IndexOf(t.From, StringComparison.Ordinal) < 0 ? s : s.ToString().Replace(t.From!, t.To, StringComparison.Ordinal);
            case TransformKind.RegexReplace:
                try { return _regexes[index]!.Replace(s.ToString(), t.To ?? ""); }
                catch (RegexMatchTimeoutException)
                {
                    Fail(ContractRegex.TimeoutReason(t.From!, s.Length));
                    return s;
                }
            default:
                return s;
        }
    }

    /// <summary>True when lower-casing changes <paramref name="s"/>; vectorised for ASCII (most values are already lower case).</summary>
    internal static bool HasUpper(ReadOnlySpan<char> s)
    {
        if (s.ContainsAnyInRange('A', 'Z')) return true;
        if (!s.ContainsAnyExceptInRange('\0', '\u007f')) return false;
        foreach (var ch in s)
        {
            if (ch is >= 'A' and <= 'Z' || ch > 127 && char.IsUpper(ch)) return true;
        }
        return false;
    }

    // Transforms ping-pong between two scratch buffers: pick the one the input does not live in.
    private char[] Other(ReadOnlySpan<char> s) => s.Overlaps(_a) ? _b : _a;

    private void SetOther(ReadOnlySpan<char> s, char[] buf)
    {
        if (s.Overlaps(_a)) _b = buf;
        else _a = buf;
    }

    /// <summary>Makes <paramref name="s"/> the <see cref="Text"/>: in place when it lies in the record or a scratch buffer, else copied.</summary>
    private void SetText(ReadOnlySpan<char> s, char[]? home)
    {
        _valueLength = s.Length;
        char[] where;
        if (home is not null && StartsIn(home, s, out var at)) where = home;
        else if (StartsIn(_a, s, out at)) where = _a;
        else if (StartsIn(_b, s, out at)) where = _b;
        else
        {
            Grow(ref _value, s.Length);
            s.CopyTo(_value);
            where = _value;
            at = 0;
        }
        // Nearly always the same array as for the previous value: skip the store and its write barrier.
        if (!ReferenceEquals(_text, where)) _text = where;
        _textStart = at;
    }

    /// <summary>
    /// True when non-empty <paramref name="s"/> starts inside <paramref name="array"/> — and so lies
    /// in it, being a slice of it or of another array — with its offset there. A cheaper inlined
    /// form of <c>Overlaps</c>, run for every field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StartsIn(char[] array, ReadOnlySpan<char> s, out int at)
    {
        var bytes = (nuint)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(array), ref MemoryMarshal.GetReference(s));
        at = (int)(bytes / sizeof(char));
        return !s.IsEmpty && bytes < (nuint)array.Length * sizeof(char);
    }

    private static void Grow(ref char[] buf, int length)
    {
        if (buf.Length < length) buf = new char[Math.Max(length, buf.Length * 2)];
    }

    /// <summary>Marks the value as failed for a reason found outside the cleaner (a filter's pattern that timed out).</summary>
    internal bool Reject(string reason) => Fail(reason);

    private bool Fail(string reason)
    {
        Error = reason;
        return false;
    }

    public override string ToString() => new StringBuilder().Append(Spec.Name).Append(':').Append(Type).ToString();
}
