using System.Globalization;

namespace EtlFunction.Values;

/// <summary>
/// Strict, allocation-free parsers for the contract types. Every value is held as a 64-bit
/// integer (ints; decimals unscaled; bools 0/1; dates as <see cref="DateOnly.DayNumber"/>;
/// timestamps as microseconds since the Unix epoch, UTC) or a double, so checks, dedupe keys and
/// writers never need a string. Nothing is rounded: a value that does not fit exactly is rejected.
/// </summary>
public static class ValueParser
{
    public const long UnixEpochDayNumber = 719162; // new DateOnly(1970, 1, 1).DayNumber
    public const long MicrosPerDay = 86_400_000_000L;

    /// <summary>Parses an optionally signed integer; <paramref name="thousands"/> allows group separators.</summary>
    public static bool TryParseInt64(ReadOnlySpan<char> s, char? thousands, out long value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        var i = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
            if (s.Length == 1) return false;
        }
        ulong acc = 0;
        var digits = 0;
        var sinceSep = -1;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                if (acc > (ulong.MaxValue - d) / 10) return false;
                acc = acc * 10 + d;
                digits++;
                if (sinceSep >= 0) sinceSep++;
                continue;
            }
            if (thousands is { } t && s[i] == t && digits > 0 && (sinceSep < 0 || sinceSep == 3))
            {
                sinceSep = 0;
                continue;
            }
            return false;
        }
        if (digits == 0 || sinceSep is not (-1 or 3)) return false;
        if (negative)
        {
            if (acc > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - acc);
        }
        else
        {
            if (acc > long.MaxValue) return false;
            value = (long)acc;
        }
        return true;
    }

    /// <summary>
    /// Parses a decimal into an unscaled integer at <paramref name="scale"/>. Fails (never rounds)
    /// when the value has more integer digits than <c>precision - scale</c> or non-zero digits
    /// beyond the scale. Exponents are not accepted.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> s, int precision, int scale, char? thousands, out long unscaled)
    {
        unscaled = 0;
        if (s.IsEmpty) return false;
        var i = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        long acc = 0;
        var intDigits = 0;    // significant integer digits (leading zeros skipped)
        var anyDigit = false;
        var sinceSep = -1;
        for (; i < s.Length; i++)
        {
            var d = s[i] - '0';
            if ((uint)d <= 9)
            {
                anyDigit = true;
                if (acc != 0 || d != 0) intDigits++;
                acc = acc * 10 + d;
                if (intDigits > precision - scale) return false;
                if (sinceSep >= 0) sinceSep++;
                continue;
            }
            if (thousands is { } t && s[i] == t && anyDigit && (sinceSep < 0 || sinceSep == 3))
            {
                sinceSep = 0;
                continue;
            }
            break;
        }
        if (sinceSep is not (-1 or 3)) return false;
        var fracDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            for (; i < s.Length; i++)
            {
                var d = s[i] - '0';
                if ((uint)d > 9) return false;
                anyDigit = true;
                if (fracDigits < scale)
                {
                    acc = acc * 10 + d;
                    fracDigits++;
                }
                else if (d != 0)
                {
                    return false; // would need rounding
                }
            }
        }
        if (i != s.Length || !anyDigit) return false;
        for (; fracDigits < scale; fracDigits++) acc *= 10;
        unscaled = negative ? -acc : acc;
        return true;
    }

    /// <summary>Parses a finite double (invariant culture, exponent allowed, no NaN or infinity).</summary>
    public static bool TryParseDouble(ReadOnlySpan<char> s, char? thousands, out double value)
    {
        var style = NumberStyles.Float | (thousands is not null ? NumberStyles.AllowThousands : 0);
        if (thousands is { } t && t != ',')
        {
            value = 0;
            Span<char> tmp = s.Length <= 128 ? stackalloc char[s.Length] : new char[s.Length];
            var n = 0;
            foreach (var c in s) if (c != t) tmp[n++] = c;
            return double.TryParse(tmp[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
        return double.TryParse(s, style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    public static bool TryParseBool(ReadOnlySpan<char> s, string[] trueValues, string[] falseValues, out bool value)
    {
        for (var i = 0; i < trueValues.Length; i++)
        {
            if (s.Equals(trueValues[i], StringComparison.OrdinalIgnoreCase))
            {
                value = true;
                return true;
            }
        }
        for (var i = 0; i < falseValues.Length; i++)
        {
            if (s.Equals(falseValues[i], StringComparison.OrdinalIgnoreCase))
            {
                value = false;
                return true;
            }
        }
        value = false;
        return false;
    }

    /// <summary>Date → day number; the first matching format wins.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> s, DateTimeFormat[] formats, out long dayNumber)
    {
        foreach (var f in formats)
        {
            if (f.TryParse(s, out var day, out _, out _))
            {
                dayNumber = day;
                return true;
            }
        }
        dayNumber = 0;
        return false;
    }

    /// <summary>Timestamp → microseconds since the Unix epoch in UTC (an offset in the text is applied).</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> s, DateTimeFormat[] formats, out long micros)
    {
        foreach (var f in formats)
        {
            if (f.TryParse(s, out var day, out var tod, out var offset))
            {
                micros = (day - UnixEpochDayNumber) * MicrosPerDay + tod - offset * 60_000_000L;
                return true;
            }
        }
        micros = 0;
        return false;
    }

    public static readonly DateTimeFormat[] DefaultDateFormats = [DateTimeFormat.Compile("yyyy-MM-dd")];
    public static readonly DateTimeFormat[] DefaultTimestampFormats = [DateTimeFormat.Iso8601];
}
