using EtlFunction.Values;

namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Everything inference remembers about one column while streaming the file: counters, a flag per
/// candidate type that one value can clear for good, digit widths, the date formats that matched,
/// and the first value behind each decision. Memory is bounded (a few strings and at most
/// <see cref="MaxMasks"/> format combinations) except for the optional <see cref="Keys"/> tracker.
/// A cleared flag is never re-checked, so a column costs little once it is known to be text.
/// </summary>
internal sealed class ColumnProfile(UniqueKeys? keys)
{
    /// <summary>Distinct format combinations remembered before giving up on dates (real columns have a handful).</summary>
    public const int MaxMasks = 64;

    public long NonNull { get; private set; }
    public long Nulls { get; private set; }
    public int MaxLength { get; private set; }
    public UniqueKeys? Keys { get; } = keys;

    // bool: every value is a bool word or 0/1, and at least one is a word (a 0/1-only column is an int).
    public bool BoolPossible { get; private set; } = true;
    public bool BoolWordSeen { get; private set; }

    // numbers: NumberPossible ⊇ DecimalPossible ⊇ IntegerPossible.
    public bool NumberPossible { get; private set; } = true;
    public bool DecimalPossible { get; private set; } = true;
    public bool IntegerPossible { get; private set; } = true;
    public long Numbers { get; private set; }
    public long Min { get; private set; } = long.MaxValue;
    public long Max { get; private set; } = long.MinValue;
    public int MaxIntDigits { get; private set; }
    public int MaxFracDigits { get; private set; }
    public int MaxSignificantDigits { get; private set; }
    public Sample? FirstExponent { get; private set; }

    // dates: the format combinations seen (see DateCandidates.Match).
    public bool DatePossible { get; private set; } = true;
    public long Dates { get; private set; }
    public Dictionary<int, MaskStat> Masks { get; } = [];

    // evidence for the notes
    public Sample? LeadingZero { get; private set; }
    public Sample? PlusSign { get; private set; }
    public Sample? Grouped { get; private set; }
    public Sample? NotNumber { get; private set; }
    public Sample? NotDate { get; private set; }
    public long Padded { get; private set; }
    public Sample? FirstPadded { get; private set; }

    public void ObserveNull() => Nulls++;

    public void Observe(ReadOnlySpan<char> v, long line)
    {
        NonNull++;
        if (v.Length > MaxLength) MaxLength = v.Length;
        if (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[^1]))
        {
            Padded++;
            FirstPadded ??= new Sample(v.ToString(), line);
        }
        Keys?.Add(v, line);
        if (BoolPossible) ObserveBool(v);
        var isNumber = false;
        if (NumberPossible) isNumber = ObserveNumber(v, line);
        if (DatePossible) ObserveDate(v, line, isNumber);
    }

    private void ObserveBool(ReadOnlySpan<char> v)
    {
        switch (BoolToken(v))
        {
            case 0: BoolPossible = false; break;
            case 2: BoolWordSeen = true; break;
        }
    }

    /// <summary>0: not a bool; 1: the digit 0 or 1; 2: true/false/yes/no in any case.</summary>
    internal static int BoolToken(ReadOnlySpan<char> v)
    {
        if (v.Length == 1) return v[0] is '0' or '1' ? 1 : 0;
        return v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)
            || v.Equals("yes", StringComparison.OrdinalIgnoreCase) || v.Equals("no", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
    }

    private bool ObserveNumber(ReadOnlySpan<char> v, long line)
    {
        var shape = NumberShape.Scan(v);
        if (shape.Kind == NumberKind.None)
        {
            NotNumber = new Sample(v.ToString(), line);
            NumberPossible = false;
            return false;
        }
        if (shape.Kind == NumberKind.Grouped || shape.LeadingZero || shape.PlusSign)
        {
            // Numbers, but typing them would change the text: 1,234 needs a separator setting, 00501 and +49 lose characters.
            var sample = new Sample(v.ToString(), line);
            if (shape.Kind == NumberKind.Grouped) Grouped = sample;
            else if (shape.LeadingZero) LeadingZero = sample;
            else PlusSign = sample;
            NumberPossible = false;
            return true;
        }
        Numbers++;
        if (shape.SignificantDigits > MaxSignificantDigits) MaxSignificantDigits = shape.SignificantDigits;
        if (shape.Kind == NumberKind.Exponent)
        {
            if (!ValueParser.TryParseDouble(v, null, out _))
            {
                NotNumber = new Sample(v.ToString(), line); // out of double range
                NumberPossible = false;
                return true;
            }
            FirstExponent ??= new Sample(v.ToString(), line);
            IntegerPossible = DecimalPossible = false;
            return true;
        }
        if (shape.IntDigits > MaxIntDigits) MaxIntDigits = shape.IntDigits;
        if (shape.FracDigits > MaxFracDigits) MaxFracDigits = shape.FracDigits;
        if (shape.Kind == NumberKind.Decimal) IntegerPossible = false;
        else if (IntegerPossible)
        {
            if (ValueParser.TryParseInt64(v, null, out var l))
            {
                if (l < Min) Min = l;
                if (l > Max) Max = l;
            }
            else
            {
                IntegerPossible = false; // beyond int64
            }
        }
        return true;
    }

    private void ObserveDate(ReadOnlySpan<char> v, long line, bool isNumber)
    {
        var mask = isNumber ? 0 : DateCandidates.Match(v);
        if (mask == 0)
        {
            NotDate = new Sample(v.ToString(), line);
            DatePossible = false;
            Masks.Clear();
            return;
        }
        Dates++;
        if (!Masks.TryGetValue(mask, out var stat))
        {
            if (Masks.Count == MaxMasks)
            {
                DatePossible = false;
                Masks.Clear();
                return;
            }
            Masks[mask] = stat = new MaskStat(v.ToString(), line);
        }
        stat.Count++;
    }
}
