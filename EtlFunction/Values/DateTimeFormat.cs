using System.Globalization;
using System.Runtime.CompilerServices;

namespace EtlFunction.Values;

/// <summary>
/// An exact, allocation-free parser for one date/time format written with the .NET custom format
/// letters (<c>yyyy MM M dd d HH H mm ss f..fffffff</c>, <c>'Z'</c>/<c>Z</c> for a literal UTC
/// designator, <c>K</c>/<c>zzz</c> for an offset, anything else literal). <c>yyyy-MM-dd</c> accepts
/// exactly <c>2023-05-05</c>, never <c>2023/05/05</c>; impossible dates (<c>2023-02-30</c>) fail.
/// The special format <c>iso8601</c> accepts <c>yyyy-MM-dd[( |T)HH:mm[:ss[.f…]]][Z|±HH:mm]</c>.
/// </summary>
public sealed class DateTimeFormat
{
    private enum Tok { Year4, Month2, Month12, Day2, Day12, Hour2, Hour12, Minute2, Second2, Fraction, Offset, Literal }

    private readonly (Tok Kind, int Arg)[] _tokens;
    private readonly bool _iso;
    /// <summary>
    /// The layout when every token has a fixed width (<c>yyyy-MM-dd</c>, <c>MM/dd/yyyy</c>,
    /// <c>yyyy-MM-dd'T'HH:mm:ss'Z'</c>): each field then sits at a known offset, so a value is
    /// checked by its length and read at those offsets instead of walking the tokens per value.
    /// Null when some token has a variable width (<c>M</c>, <c>d</c>, <c>H</c>, offsets).
    /// </summary>
    private readonly FixedLayout? _fixed;

    public string Text { get; }
    /// <summary>True when the format has a time part (hours).</summary>
    public bool HasTime { get; }

    private DateTimeFormat(string text, (Tok, int)[] tokens, bool iso)
    {
        Text = text;
        _tokens = tokens;
        _iso = iso;
        HasTime = iso || tokens.Any(t => t.Item1 is Tok.Hour2 or Tok.Hour12);
        _fixed = iso ? null : FixedLayout.TryCreate(tokens);
    }

    public static DateTimeFormat Iso8601 { get; } = new("iso8601", [], iso: true);

    public static DateTimeFormat Compile(string text) =>
        TryCompile(text, out var f, out var error) ? f : throw new ArgumentException(error, nameof(text));

    public static bool TryCompile(string text, out DateTimeFormat format, out string? error)
    {
        format = Iso8601;
        error = null;
        if (text == "iso8601") return true;
        var tokens = new List<(Tok, int)>();
        var hasYear = false;
        var hasMonth = false;
        var hasDay = false;
        for (var i = 0; i < text.Length;)
        {
            var ch = text[i];
            var run = 1;
            while (i + run < text.Length && text[i + run] == ch) run++;
            switch (ch)
            {
                case 'y' when run == 4: tokens.Add((Tok.Year4, 0)); hasYear = true; break;
                case 'M' when run <= 2: tokens.Add((run == 2 ? Tok.Month2 : Tok.Month12, 0)); hasMonth = true; break;
                case 'd' when run <= 2: tokens.Add((run == 2 ? Tok.Day2 : Tok.Day12, 0)); hasDay = true; break;
                case 'H' when run <= 2: tokens.Add((run == 2 ? Tok.Hour2 : Tok.Hour12, 0)); break;
                case 'm' when run == 2: tokens.Add((Tok.Minute2, 0)); break;
                case 's' when run == 2: tokens.Add((Tok.Second2, 0)); break;
                case 'f' when run <= 7: tokens.Add((Tok.Fraction, run)); break;
                case 'K' when run == 1: tokens.Add((Tok.Offset, 0)); break;
                case 'z' when run == 3: tokens.Add((Tok.Offset, 0)); break;
                case '\'':
                    var end = text.IndexOf('\'', i + 1);
                    if (end < 0)
                    {
                        error = $"format '{text}': unterminated quote";
                        return false;
                    }
                    foreach (var lit in text.AsSpan(i + 1, end - i - 1)) tokens.Add((Tok.Literal, lit));
                    i = end + 1;
                    continue;
                case '\\' when i + 1 < text.Length:
                    tokens.Add((Tok.Literal, text[i + 1]));
                    i += 2;
                    continue;
                case 'y' or 'M' or 'd' or 'H' or 'h' or 'm' or 's' or 'f' or 'F' or 'z' or 'K' or 't' or 'g':
                    error = $"format '{text}': '{new string(ch, run)}' is not supported (use yyyy, MM, M, dd, d, HH, H, mm, ss, f..fffffff, K)";
                    return false;
                default:
                    for (var k = 0; k < run; k++) tokens.Add((Tok.Literal, ch));
                    break;
            }
            i += run;
        }
        if (!(hasYear && hasMonth && hasDay))
        {
            error = $"format '{text}': needs a year (yyyy), a month (MM or M) and a day (dd or d)";
            return false;
        }
        format = new DateTimeFormat(text, tokens.ToArray(), iso: false);
        return true;
    }

    /// <summary>
    /// Parses <paramref name="s"/> exactly. <paramref name="dayNumber"/> is days since 0001-01-01
    /// (<see cref="DateOnly.DayNumber"/>), <paramref name="microsOfDay"/> the time of day and
    /// <paramref name="offsetMinutes"/> the UTC offset found (0 when the format has none).
    /// </summary>
    public bool TryParse(ReadOnlySpan<char> s, out int dayNumber, out long microsOfDay, out int offsetMinutes)
    {
        if (_fixed is { } f)
        {
            offsetMinutes = 0;
            return f.TryParse(s, out dayNumber, out microsOfDay);
        }
        return TryParseGeneral(s, out dayNumber, out microsOfDay, out offsetMinutes);
    }

    /// <summary>The token-by-token parser every format supports; <see cref="TryParse"/> agrees with it (tests compare the two).</summary>
    internal bool TryParseGeneral(ReadOnlySpan<char> s, out int dayNumber, out long microsOfDay, out int offsetMinutes)
    {
        if (_iso) return TryParseIso(s, out dayNumber, out microsOfDay, out offsetMinutes);
        dayNumber = 0;
        microsOfDay = 0;
        offsetMinutes = 0;
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var p = 0;
        foreach (var (kind, arg) in _tokens)
        {
            switch (kind)
            {
                case Tok.Year4: if (!Fixed(s, ref p, 4, out year)) return false; break;
                case Tok.Month2: if (!Fixed(s, ref p, 2, out month)) return false; break;
                case Tok.Month12: if (!Var(s, ref p, out month)) return false; break;
                case Tok.Day2: if (!Fixed(s, ref p, 2, out day)) return false; break;
                case Tok.Day12: if (!Var(s, ref p, out day)) return false; break;
                case Tok.Hour2: if (!Fixed(s, ref p, 2, out hour)) return false; break;
                case Tok.Hour12: if (!Var(s, ref p, out hour)) return false; break;
                case Tok.Minute2: if (!Fixed(s, ref p, 2, out minute)) return false; break;
                case Tok.Second2: if (!Fixed(s, ref p, 2, out second)) return false; break;
                case Tok.Fraction:
                    if (!Fixed(s, ref p, arg, out var frac)) return false;
                    ticks = frac * Pow10(7 - arg);
                    break;
                case Tok.Offset: if (!Offset(s, ref p, out offsetMinutes)) return false; break;
                default:
                    if (p >= s.Length || s[p] != (char)arg) return false;
                    p++;
                    break;
            }
        }
        return p == s.Length && Assemble(year, month, day, hour, minute, second, ticks, out dayNumber, out microsOfDay);
    }

    private static bool TryParseIso(ReadOnlySpan<char> s, out int dayNumber, out long microsOfDay, out int offsetMinutes)
    {
        dayNumber = 0;
        microsOfDay = 0;
        offsetMinutes = 0;
        var p = 0;
        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        if (!Fixed(s, ref p, 4, out var year) || !Lit(s, ref p, '-') || !Fixed(s, ref p, 2, out var month)
            || !Lit(s, ref p, '-') || !Fixed(s, ref p, 2, out var day)) return false;
        if (p < s.Length && s[p] is 'T' or ' ')
        {
            p++;
            if (!Fixed(s, ref p, 2, out hour) || !Lit(s, ref p, ':') || !Fixed(s, ref p, 2, out minute)) return false;
            if (p < s.Length && s[p] == ':')
            {
                p++;
                if (!Fixed(s, ref p, 2, out second)) return false;
                if (p < s.Length && s[p] is '.' or ',')
                {
                    p++;
                    var start = p;
                    long frac = 0;
                    while (p < s.Length && (uint)(s[p] - '0') <= 9)
                    {
                        if (p - start < 7) frac = frac * 10 + (s[p] - '0');
                        else if (s[p] != '0') return false; // below 100 ns would be lost
                        p++;
                    }
                    var digits = p - start;
                    if (digits == 0) return false;
                    ticks = frac * Pow10(7 - Math.Min(digits, 7));
                }
            }
            if (p < s.Length && !Offset(s, ref p, out offsetMinutes)) return false;
        }
        return p == s.Length && Assemble(year, month, day, hour, minute, second, ticks, out dayNumber, out microsOfDay);
    }

    private static bool Assemble(int year, int month, int day, int hour, int minute, int second, long ticks, out int dayNumber, out long microsOfDay)
    {
        dayNumber = 0;
        microsOfDay = 0;
        if (year is < 1 or > 9999 || !CivilDays.TryDayNumber(year, month, day, out var dn)) return false;
        if (hour > 23 || minute > 59 || second > 59) return false;
        if (ticks % 10 != 0) return false; // finer than a microsecond would be lost
        dayNumber = dn;
        microsOfDay = ((hour * 60L + minute) * 60 + second) * 1_000_000 + ticks / 10;
        return true;
    }

    /// <summary>Field offsets of a format whose tokens all have a fixed width (see <see cref="_fixed"/>).</summary>
    private sealed class FixedLayout
    {
        private int _length, _year = -1, _month = -1, _day = -1, _hour = -1, _minute = -1, _second = -1, _fraction = -1, _fractionDigits;
        private (int At, char Ch)[] _literals = [];

        public static FixedLayout? TryCreate((Tok Kind, int Arg)[] tokens)
        {
            var l = new FixedLayout();
            var literals = new List<(int, char)>();
            var p = 0;
            foreach (var (kind, arg) in tokens)
            {
                // A field given twice is left to the general parser (the last one wins there).
                switch (kind)
                {
                    case Tok.Year4 when l._year < 0: l._year = p; p += 4; break;
                    case Tok.Month2 when l._month < 0: l._month = p; p += 2; break;
                    case Tok.Day2 when l._day < 0: l._day = p; p += 2; break;
                    case Tok.Hour2 when l._hour < 0: l._hour = p; p += 2; break;
                    case Tok.Minute2 when l._minute < 0: l._minute = p; p += 2; break;
                    case Tok.Second2 when l._second < 0: l._second = p; p += 2; break;
                    case Tok.Fraction when l._fraction < 0: l._fraction = p; l._fractionDigits = arg; p += arg; break;
                    case Tok.Literal: literals.Add((p, (char)arg)); p++; break;
                    default: return null;
                }
            }
            l._length = p;
            l._literals = literals.ToArray();
            return l;
        }

        public bool TryParse(ReadOnlySpan<char> s, out int dayNumber, out long microsOfDay)
        {
            dayNumber = 0;
            microsOfDay = 0;
            if (s.Length != _length) return false;
            foreach (var (at, ch) in _literals)
            {
                if (s[at] != ch) return false;
            }
            var year = Digits(s, _year, 4);
            var month = Digits(s, _month, 2);
            var day = Digits(s, _day, 2);
            var hour = _hour < 0 ? 0 : Digits(s, _hour, 2);
            var minute = _minute < 0 ? 0 : Digits(s, _minute, 2);
            var second = _second < 0 ? 0 : Digits(s, _second, 2);
            long ticks = 0;
            if (_fraction >= 0)
            {
                var frac = Digits(s, _fraction, _fractionDigits);
                if (frac < 0) return false;
                ticks = frac * Pow10(7 - _fractionDigits);
            }
            if ((year | month | day | hour | minute | second) < 0) return false;
            return Assemble(year, month, day, hour, minute, second, ticks, out dayNumber, out microsOfDay);
        }

        /// <summary>The value of <paramref name="n"/> digits at <paramref name="at"/>, or -1 when one is not a digit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Digits(ReadOnlySpan<char> s, int at, int n)
        {
            var value = 0;
            foreach (var ch in s.Slice(at, n))
            {
                var d = (uint)(ch - '0');
                if (d > 9) return -1;
                value = value * 10 + (int)d;
            }
            return value;
        }
    }

    private static bool Offset(ReadOnlySpan<char> s, ref int p, out int minutes)
    {
        minutes = 0;
        if (p >= s.Length) return false;
        if (s[p] == 'Z')
        {
            p++;
            return true;
        }
        if (s[p] is not ('+' or '-')) return false;
        var sign = s[p] == '-' ? -1 : 1;
        p++;
        if (!Fixed(s, ref p, 2, out var h)) return false;
        if (p < s.Length && s[p] == ':') p++;
        if (!Fixed(s, ref p, 2, out var m) || h > 23 || m > 59) return false;
        minutes = sign * (h * 60 + m);
        return true;
    }

    private static bool Lit(ReadOnlySpan<char> s, ref int p, char c)
    {
        if (p >= s.Length || s[p] != c) return false;
        p++;
        return true;
    }

    private static bool Fixed(ReadOnlySpan<char> s, ref int p, int n, out int value)
    {
        value = 0;
        if (p + n > s.Length) return false;
        for (var i = 0; i < n; i++)
        {
            var d = (uint)(s[p + i] - '0');
            if (d > 9) return false;
            value = value * 10 + (int)d;
        }
        p += n;
        return true;
    }

    private static bool Var(ReadOnlySpan<char> s, ref int p, out int value)
    {
        value = 0;
        var n = 0;
        while (n < 2 && p < s.Length && (uint)(s[p] - '0') <= 9)
        {
            value = value * 10 + (s[p] - '0');
            p++;
            n++;
        }
        return n > 0;
    }

    private static long Pow10(int n)
    {
        long r = 1;
        for (var i = 0; i < n; i++) r *= 10;
        return r;
    }

    public override string ToString() => Text.ToString(CultureInfo.InvariantCulture);
}
