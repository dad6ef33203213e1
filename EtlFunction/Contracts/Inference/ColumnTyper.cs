namespace EtlFunction.Contracts.Inference;

/// <summary>The type chosen for one column, the formats it needs, and the note explaining it.</summary>
internal sealed record TypedColumn(ColumnType Type, IReadOnlyList<string> Formats, string Note);

/// <summary>
/// Turns a <see cref="ColumnProfile"/> into the narrowest type whose strict parser accepts every
/// non-null value seen, in this order: bool, int32, int64, decimal(p,s), double, date, timestamp,
/// string. Each rule only widens when a value would otherwise be rejected or changed, so a run
/// with the inferred contract rejects no row of the file it was inferred from.
/// </summary>
internal static class ColumnTyper
{
    /// <summary>A double reproduces any decimal text of at most 15 significant digits exactly.</summary>
    public const int DoubleExactDigits = 15;

    public static readonly string[] TrueValues = ["true", "yes", "1"];
    public static readonly string[] FalseValues = ["false", "no", "0"];

    public static TypedColumn Decide(ColumnProfile p, int maxDateFormats)
    {
        var counts = $"from {Notes.Plural(p.NonNull, "value")}, {Notes.Plural(p.Nulls, "null")}";
        if (p.NonNull == 0) return new(ColumnType.String, [], $"string: no values (all {Notes.Plural(p.Nulls, "row")} empty or NULL)");
        if (p.BoolPossible && p.BoolWordSeen) return new(ColumnType.Bool, [], $"bool {counts} (true/yes/1, false/no/0, any case)");
        if (p.NumberPossible)
        {
            if (NumberType(p) is { } number) return number with { Note = $"{number.Type} {counts}; {number.Note}" };
        }
        var why = new List<string>();
        if (p.DatePossible)
        {
            var choice = DateCover.Choose(p.Masks, maxDateFormats);
            if (choice.Type is { } dt)
            {
                return new(dt, choice.Formats, $"{dt} {counts}; formats {choice.Note}");
            }
            why.Add(choice.Note);
        }
        return new(ColumnType.String, [], $"string {counts}, longest {Notes.Plural(p.MaxLength, "char")}{Reasons(p, why)}");
    }

    private static TypedColumn? NumberType(ColumnProfile p)
    {
        if (p.BoolPossible) // only 0 and 1
        {
            return new(ColumnType.Int32, [], "only 0 and 1 seen: int32, not bool (sums and counts still work; declare bool to change it)");
        }
        if (p.IntegerPossible)
        {
            var range = $"range {Notes.Count(p.Min)}..{Notes.Count(p.Max)}";
            return p.Min >= int.MinValue && p.Max <= int.MaxValue
                ? new(ColumnType.Int32, [], range)
                : new(ColumnType.Int64, [], range + " (beyond int32)");
        }
        var precision = Math.Max(1, p.MaxIntDigits + p.MaxFracDigits);
        if (p.DecimalPossible && precision <= ColumnType.MaxDecimalPrecision)
        {
            return new(ColumnType.Decimal(precision, p.MaxFracDigits), [],
                $"up to {Notes.Plural(p.MaxIntDigits, "integer digit")} and {Notes.Plural(p.MaxFracDigits, "decimal")} seen");
        }
        if (p.MaxSignificantDigits <= DoubleExactDigits)
        {
            var why = p.FirstExponent is { } e ? $"exponent seen ({e})" : $"more than {ColumnType.MaxDecimalPrecision} digits for a decimal";
            return new(ColumnType.Double, [], $"{why}; at most {p.MaxSignificantDigits} significant digits, so a double keeps every value");
        }
        return null;
    }

    private static string Reasons(ColumnProfile p, List<string> why)
    {
        if (p.LeadingZero is { } lz) why.Add($"leading zeros seen ({lz}): kept as string so codes like 00501 survive");
        if (p.PlusSign is { } plus) why.Add($"a leading + seen ({plus}): kept as string (phone numbers, codes)");
        if (p.Grouped is { } g) why.Add($"thousands separators seen ({g}): kept as string; set thousands_separator: \",\" and a numeric type to parse them");
        if (p.NumberPossible)
        {
            why.Add($"numbers with more than {DoubleExactDigits} significant digits: no numeric type keeps them all exactly");
        }
        else if (p.Numbers > 0 && p.NotNumber is { } nn)
        {
            why.Add($"not a number: {nn}, after {Notes.Plural(p.Numbers, "number")}");
        }
        if (!p.DatePossible && p.Dates > 0 && p.NotDate is { } nd) why.Add($"not a date: {nd}, after {Notes.Plural(p.Dates, "date")}");
        if (p.Padded > 0) why.Add($"{Notes.Plural(p.Padded, "value")} with leading/trailing spaces (e.g. {p.FirstPadded}); a trim transform would remove them");
        return why.Count == 0 ? "" : "; " + string.Join("; ", why);
    }
}
