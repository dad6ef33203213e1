namespace EtlFunction.Values;

/// <summary>
/// Proleptic Gregorian day numbers by arithmetic on a month table. Date parsing validates and
/// converts every date field of every row; <see cref="DateTime.DaysInMonth"/> followed by
/// <c>new DateOnly(...).DayNumber</c> validated the same date twice and showed in profiles.
/// Agrees with <see cref="DateOnly.DayNumber"/> for every date of years 1–9999 (tested exhaustively).
/// </summary>
internal static class CivilDays
{
    private static ReadOnlySpan<short> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    public static bool IsLeap(int year) => (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);

    /// <summary>
    /// <see cref="DateOnly.DayNumber"/> of <paramref name="year"/>-<paramref name="month"/>-<paramref name="day"/>
    /// (year 1–9999), or false for an impossible date (month outside 1–12, day outside the month).
    /// </summary>
    public static bool TryDayNumber(int year, int month, int day, out int dayNumber)
    {
        dayNumber = 0;
        if ((uint)(month - 1) > 11 || day < 1) return false;
        var leap = month > 1 && IsLeap(year) ? 1 : 0;
        var before = DaysBeforeMonth[month - 1] + (month > 2 ? leap : 0);
        var inMonth = DaysBeforeMonth[month] - DaysBeforeMonth[month - 1] + (month == 2 ? leap : 0);
        if (day > inMonth) return false;
        var y = year - 1;
        dayNumber = y * 365 + y / 4 - y / 100 + y / 400 + before + day - 1;
        return true;
    }
}
