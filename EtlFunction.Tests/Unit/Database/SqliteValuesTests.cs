using EtlFunction.Database;

namespace EtlFunction.Tests.Unit.Database;

public sealed class SqliteValuesTests
{
    [TestCase(0L, 2, "0.00")]
    [TestCase(-5L, 2, "-0.05")]
    [TestCase(123456L, 0, "123456")]
    [TestCase(999_999_999_999_999_999L, 18, "0.999999999999999999")]
    [TestCase(-999_999_999_999_999_999L, 4, "-99999999999999.9999")]
    public void DecimalToText_HasExactlyScaleFractionDigits(long unscaled, int scale, string expected) =>
        Assert.That(SqliteValues.DecimalToText(unscaled, scale), Is.EqualTo(expected));

    [TestCase(0L, "1970-01-01 00:00:00.000000")]
    [TestCase(-1L, "1969-12-31 23:59:59.999999")]
    [TestCase(1_709_212_455_000_001L, "2024-02-29 13:14:15.000001")]
    [TestCase(-62_135_596_800_000_000L, "0001-01-01 00:00:00.000000")]
    [TestCase(253_402_300_799_999_999L, "9999-12-31 23:59:59.999999")]
    public void TimestampToText_IsFixedWidthUtc(long micros, string expected) =>
        Assert.That(SqliteValues.TimestampToText(micros), Is.EqualTo(expected));

    [Test]
    public void DateToText_IsIsoDate()
    {
        Assert.That(SqliteValues.DateToText(new DateOnly(2024, 2, 29).DayNumber), Is.EqualTo("2024-02-29"));
        Assert.That(SqliteValues.DateToText(0), Is.EqualTo("0001-01-01"));
    }

    [Test]
    public void DecimalToDouble_IsTheNearestDoubleOfTheDecimalText()
    {
        Assert.That(SqliteValues.DecimalToDouble(1234, 2), Is.EqualTo(12.34));
        Assert.That(SqliteValues.DecimalToDouble(-1, 15), Is.EqualTo(-1e-15));
        Assert.That(SqliteValues.DecimalToDouble(999_999_999_999_999, 2), Is.EqualTo(9999999999999.99));
    }
}
