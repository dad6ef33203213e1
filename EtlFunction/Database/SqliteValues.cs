using EtlFunction.Cleaning;

namespace EtlFunction.Database;

/// <summary>
/// Converts the canonical reader's values (see <see cref="Format.CanonicalCsvReader"/>) into what
/// <see cref="SqliteSchema"/> says a column stores. Kept apart from the loader so the exact texts
/// (dates, timestamps, wide decimals) are defined and tested in one place.
/// </summary>
public static class SqliteValues
{
    private static readonly double[] DoublePowersOf10 =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

    /// <summary>
    /// The double nearest the exact decimal: both operands are exact doubles (|unscaled| &lt; 10^15 and
    /// 10^scale ≤ 10^15), and IEEE division rounds correctly, so this equals parsing the decimal text.
    /// </summary>
    public static double DecimalToDouble(long unscaled, int scale) => unscaled / DoublePowersOf10[scale];

    /// <summary>The canonical decimal text with exactly <paramref name="scale"/> fraction digits, e.g. <c>-12.50</c>.</summary>
    public static string DecimalToText(long unscaled, int scale)
    {
        var negative = unscaled < 0;
        var abs = negative ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        var value = new decimal((int)(uint)abs, (int)(uint)(abs >> 32), 0, negative, (byte)scale);
        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><c>yyyy-MM-dd</c> from a <see cref="DateOnly.DayNumber"/>.</summary>
    public static string DateToText(long dayNumber) => string.Create(10, dayNumber, static (span, day) =>
    {
        var d = DateOnly.FromDayNumber((int)day);
        WriteDate(span, d.Year, d.Month, d.Day);
    });

    /// <summary><c>yyyy-MM-dd HH:mm:ss.ffffff</c> (UTC, always six fraction digits) from Unix microseconds.</summary>
    public static string TimestampToText(long unixMicros) => string.Create(26, unixMicros, static (span, micros) =>
    {
        var days = Math.DivRem(micros, ValueParser.MicrosPerDay, out var tod);
        if (tod < 0)
        {
            tod += ValueParser.MicrosPerDay;
            days--;
        }
        var d = DateOnly.FromDayNumber((int)(days + ValueParser.UnixEpochDayNumber));
        WriteDate(span, d.Year, d.Month, d.Day);
        var secs = tod / 1_000_000;
        span[10] = ' ';
        Two(span[11..], (int)(secs / 3600));
        span[13] = ':';
        Two(span[14..], (int)(secs / 60 % 60));
        span[16] = ':';
        Two(span[17..], (int)(secs % 60));
        span[19] = '.';
        var frac = (int)(tod % 1_000_000);
        for (var i = 25; i >= 20; i--)
        {
            span[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
    });

    private static void WriteDate(Span<char> span, int year, int month, int day)
    {
        for (var i = 3; i >= 0; i--)
        {
            span[i] = (char)('0' + year % 10);
            year /= 10;
        }
        span[4] = '-';
        Two(span[5..], month);
        span[7] = '-';
        Two(span[8..], day);
    }

    private static void Two(Span<char> span, int value)
    {
        span[0] = (char)('0' + value / 10);
        span[1] = (char)('0' + value % 10);
    }
}
