using System.Runtime.CompilerServices;

namespace EtlFunction.Values;

/// <summary>
/// Timestamps as <see cref="ValueParser"/> holds them (microseconds since the Unix epoch, UTC) cut into
/// their day and time of day. Floor division, not truncation: <c>1969-12-31 23:59</c> is a negative
/// number whose day is still the 31st. The processed-CSV writer, SQLite and the Parquet partitioning
/// all need this cut, and all must agree on it, so it is written once.
/// </summary>
public static class UnixMicros
{
    /// <summary>The <see cref="DateOnly.DayNumber"/> of the UTC day of <paramref name="unixMicros"/>, and the microseconds since its midnight (0 to a day less one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DayNumber(long unixMicros, out long microsOfDay)
    {
        var days = Math.DivRem(unixMicros, ValueParser.MicrosPerDay, out microsOfDay);
        if (microsOfDay < 0)
        {
            microsOfDay += ValueParser.MicrosPerDay;
            days--;
        }
        return days + ValueParser.UnixEpochDayNumber;
    }

    /// <summary>The <see cref="DateOnly.DayNumber"/> of the UTC day of <paramref name="unixMicros"/>.</summary>
    public static long DayNumber(long unixMicros) => DayNumber(unixMicros, out _);
}
