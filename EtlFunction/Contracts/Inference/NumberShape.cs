using EtlFunction.Values;

namespace EtlFunction.Contracts.Inference;

/// <summary>What a value looks like as a number, from one pass over its characters.</summary>
internal enum NumberKind
{
    /// <summary>Not a plain number (letters, spaces, two dots, a lone sign...).</summary>
    None,
    /// <summary><c>[-]digits</c>: what <see cref="ValueParser.TryParseInt64"/> reads.</summary>
    Integer,
    /// <summary><c>[-]digits.digits</c> (either side may be empty, not both): a decimal.</summary>
    Decimal,
    /// <summary>A number with an exponent (<c>1.5e-3</c>): only a double can hold it.</summary>
    Exponent,
    /// <summary>Digits grouped by commas (<c>1,234,567.5</c>): a number the default parsers reject.</summary>
    Grouped,
}

/// <summary>
/// The shape of a value as a number: its kind and the digit counts that decide the narrowest
/// exact type. Classifying once per value keeps the scan cheap; the chosen type is then one whose
/// strict parser accepts every value of that shape.
/// </summary>
internal readonly record struct NumberShape(
    NumberKind Kind,
    bool LeadingZero,
    bool PlusSign,
    int IntDigits,
    int FracDigits,
    int SignificantDigits)
{
    public bool IsNumber => Kind is NumberKind.Integer or NumberKind.Decimal or NumberKind.Exponent;

    public static NumberShape Scan(ReadOnlySpan<char> s)
    {
        var none = default(NumberShape);
        if (s.IsEmpty) return none;
        var i = 0;
        var plus = s[0] == '+';
        if (s[0] is '+' or '-') i = 1;
        var intStart = i;
        var intRaw = 0;       // integer digits as written
        var groupLen = 0;     // digits since the last comma
        var grouped = false;
        for (; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch is >= '0' and <= '9')
            {
                intRaw++;
                groupLen++;
            }
            else if (ch == ',')
            {
                if (groupLen == 0 || (grouped ? groupLen != 3 : groupLen > 3)) return none;
                grouped = true;
                groupLen = 0;
            }
            else break;
        }
        if (grouped && groupLen != 3) return none;
        var dot = false;
        var frac = 0;
        if (i < s.Length && s[i] == '.')
        {
            dot = true;
            for (i++; i < s.Length && s[i] is >= '0' and <= '9'; i++) frac++;
        }
        var exponent = false;
        if (i < s.Length && s[i] is 'e' or 'E' && intRaw + frac > 0)
        {
            exponent = true;
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            var expDigits = 0;
            for (; i < s.Length && s[i] is >= '0' and <= '9'; i++) expDigits++;
            if (expDigits == 0) return none;
        }
        if (i != s.Length || intRaw + frac == 0) return none;

        // Significant digits: skip leading zeros across the integer part and the fraction.
        var significant = 0;
        var intSignificant = 0;
        var seenNonZero = false;
        var pos = 0;
        for (var k = intStart; k < s.Length && pos < intRaw + frac; k++)
        {
            var ch = s[k];
            if (ch is < '0' or > '9') continue;
            var inInt = pos < intRaw;
            pos++;
            if (ch != '0') seenNonZero = true;
            if (!seenNonZero) continue;
            significant++;
            if (inInt) intSignificant++;
        }
        var leadingZero = intRaw > 1 && s[intStart] == '0';
        var kind = grouped ? NumberKind.Grouped : exponent ? NumberKind.Exponent : dot ? NumberKind.Decimal : NumberKind.Integer;
        return new NumberShape(kind, leadingZero, plus, intSignificant, frac, significant);
    }
}
