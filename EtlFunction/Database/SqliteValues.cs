using System.Globalization;
using System.Text;
using EtlFunction.Values;

namespace EtlFunction.Database;

/// <summary>
/// Converts the canonical reader's values (see <see cref="ProcessedCsv.CanonicalCsvReader"/>) into what
/// <see cref="SqliteSchema"/> says a column stores. Kept apart from the loader so the exact texts
/// (dates, timestamps, wide decimals) are defined and tested in one place. The UTF-8 formatters
/// write into a caller's buffer so a load allocates nothing per value.
/// </summary>
public static class SqliteValues
{
    /// <summary>Bytes a formatter may write: a timestamp is 26, a decimal at most 20.</summary>
    public const int MaxTextBytes = 32;

    private static readonly double[] DoublePowersOf10 =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

    /// <summary>
    /// The double nearest the exact decimal: both operands are exact doubles (|unscaled| &lt; 10^15 and
    /// 10^scale ≤ 10^15), and IEEE division rounds correctly, so this equals parsing the decimal text.
    /// </summary>
    public static double DecimalToDouble(long unscaled, int scale) => unscaled / DoublePowersOf10[scale];

    /// <summary>The canonical decimal text with exactly <paramref name="scale"/> fraction digits, e.g. <c>-12.50</c>.</summary>
    public static string DecimalToText(long unscaled, int scale) => Text(unscaled, scale, static (v, s, b) => FormatDecimal(v, s, b));

    /// <summary><c>yyyy-MM-dd</c> from a <see cref="DateOnly.DayNumber"/>.</summary>
    public static string DateToText(long dayNumber) => Text(dayNumber, 0, static (v, _, b) => FormatDate(v, b));

    /// <summary><c>yyyy-MM-dd HH:mm:ss.ffffff</c> (UTC, always six fraction digits) from Unix microseconds.</summary>
    public static string TimestampToText(long unixMicros) => Text(unixMicros, 0, static (v, _, b) => FormatTimestamp(v, b));

    /// <summary>Writes <see cref="DecimalToText"/> as UTF-8; returns the bytes written.</summary>
    public static int FormatDecimal(long unscaled, int scale, Span<byte> utf8)
    {
        var negative = unscaled < 0;
        var abs = negative ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        var value = new decimal((int)(uint)abs, (int)(uint)(abs >> 32), 0, negative, (byte)scale);
        return value.TryFormat(utf8, out var n, default, CultureInfo.InvariantCulture) ? n : throw new ArgumentException("buffer too small", nameof(utf8));
    }

    /// <summary>Writes <see cref="DateToText"/> as UTF-8; returns 10.</summary>
    public static int FormatDate(long dayNumber, Span<byte> utf8)
    {
        var d = DateOnly.FromDayNumber((int)dayNumber);
        WriteDate(utf8, d.Year, d.Month, d.Day);
        return 10;
    }

    /// <summary>Writes <see cref="TimestampToText"/> as UTF-8; returns 26.</summary>
    public static int FormatTimestamp(long unixMicros, Span<byte> utf8)
    {
        var d = DateOnly.FromDayNumber((int)UnixMicros.DayNumber(unixMicros, out var tod));
        WriteDate(utf8, d.Year, d.Month, d.Day);
        var secs = tod / 1_000_000;
        utf8[10] = (byte)' ';
        Two(utf8[11..], (int)(secs / 3600));
        utf8[13] = (byte)':';
        Two(utf8[14..], (int)(secs / 60 % 60));
        utf8[16] = (byte)':';
        Two(utf8[17..], (int)(secs % 60));
        utf8[19] = (byte)'.';
        var frac = (int)(tod % 1_000_000);
        for (var i = 25; i >= 20; i--)
        {
            utf8[i] = (byte)('0' + frac % 10);
            frac /= 10;
        }
        return 26;
    }

    private static string Text(long value, int scale, Func<long, int, byte[], int> format)
    {
        var buffer = new byte[MaxTextBytes];
        return Encoding.ASCII.GetString(buffer, 0, format(value, scale, buffer));
    }

    private static void WriteDate(Span<byte> utf8, int year, int month, int day)
    {
        for (var i = 3; i >= 0; i--)
        {
            utf8[i] = (byte)('0' + year % 10);
            year /= 10;
        }
        utf8[4] = (byte)'-';
        Two(utf8[5..], month);
        utf8[7] = (byte)'-';
        Two(utf8[8..], day);
    }

    private static void Two(Span<byte> utf8, int value)
    {
        utf8[0] = (byte)('0' + value / 10);
        utf8[1] = (byte)('0' + value % 10);
    }
}
