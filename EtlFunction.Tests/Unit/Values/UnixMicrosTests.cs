using EtlFunction.Values;

namespace EtlFunction.Tests.Unit.Values;

/// <summary>The one cut of a timestamp into day and time of day: floor division, also before 1970.</summary>
public class UnixMicrosTests
{
    [TestCase("1970-01-01T00:00:00", 0L)]
    [TestCase("1970-01-01T00:00:00.000001", 1L)]
    [TestCase("1969-12-31T23:59:59.999999", -1L)]
    [TestCase("1969-12-31T00:00:00", -86_400_000_000L)]
    [TestCase("1969-12-30T23:59:59.999999", -86_400_000_001L)]
    [TestCase("2024-02-29T12:34:56.789012", 1_709_210_096_789_012L)]
    [TestCase("0001-01-01T00:00:00", -62_135_596_800_000_000L)]
    public void DayNumber_IsTheUtcDay_AndTheRestIsTheTimeOfDay(string iso, long micros)
    {
        var expected = DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
        var day = UnixMicros.DayNumber(micros, out var ofDay);
        Assert.That(day, Is.EqualTo(DateOnly.FromDateTime(expected).DayNumber));
        Assert.That(ofDay, Is.EqualTo(expected.TimeOfDay.Ticks / 10));
        Assert.That(UnixMicros.DayNumber(micros), Is.EqualTo(day));
    }
}
