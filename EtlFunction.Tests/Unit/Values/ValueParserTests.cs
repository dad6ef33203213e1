using EtlFunction.Values;

namespace EtlFunction.Tests.Unit.Values;

public class ValueParserTests
{
    [TestCase("0", 0L)]
    [TestCase("-42", -42L)]
    [TestCase("+7", 7L)]
    [TestCase("9223372036854775807", long.MaxValue)]
    [TestCase("-9223372036854775808", long.MinValue)]
    public void TryParseInt64_Valid_Parses(string s, long expected)
    {
        Assert.That(ValueParser.TryParseInt64(s, null, out var v), Is.True);
        Assert.That(v, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("-")]
    [TestCase("1.0")]
    [TestCase("1e3")]
    [TestCase(" 1")]
    [TestCase("9223372036854775808")]
    [TestCase("1,000")]
    public void TryParseInt64_Invalid_Fails(string s) => Assert.That(ValueParser.TryParseInt64(s, null, out _), Is.False);

    [TestCase("1,234", 1234L)]
    [TestCase("1,234,567", 1234567L)]
    public void TryParseInt64_ThousandsDeclared_Parses(string s, long expected)
    {
        Assert.That(ValueParser.TryParseInt64(s, ',', out var v), Is.True);
        Assert.That(v, Is.EqualTo(expected));
    }

    [TestCase("12,34")]
    [TestCase(",123")]
    [TestCase("1,2345")]
    [TestCase("123,")]
    public void TryParseInt64_MisplacedSeparator_Fails(string s) => Assert.That(ValueParser.TryParseInt64(s, ',', out _), Is.False);

    [TestCase("12.5", 12, 2, 1250L)]
    [TestCase("-0.01", 12, 2, -1L)]
    [TestCase("007.10", 5, 2, 710L)]
    [TestCase("999.99", 5, 2, 99999L)]
    [TestCase("12.", 5, 2, 1200L)]
    [TestCase(".5", 5, 2, 50L)]
    [TestCase("1.230", 5, 2, 123L)]
    public void TryParseDecimal_Valid_ReturnsUnscaled(string s, int p, int scale, long expected)
    {
        Assert.That(ValueParser.TryParseDecimal(s, p, scale, null, out var v), Is.True);
        Assert.That(v, Is.EqualTo(expected));
    }

    [TestCase("1000.00", 5, 2)]
    [TestCase("1.234", 5, 2)]
    [TestCase("1e2", 5, 2)]
    [TestCase("12,3x", 12, 2)]
    [TestCase("1.2.3", 12, 2)]
    [TestCase("--", 12, 2)]
    [TestCase(".", 12, 2)]
    [TestCase("N/A", 12, 2)]
    public void TryParseDecimal_InvalidOrWouldRound_Fails(string s, int p, int scale) =>
        Assert.That(ValueParser.TryParseDecimal(s, p, scale, null, out _), Is.False);

    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("1e400")]
    public void TryParseDouble_NonFinite_Fails(string s) => Assert.That(ValueParser.TryParseDouble(s, null, out _), Is.False);

    [Test]
    public void TryParseTimestamp_OffsetApplied_ToUtcMicros()
    {
        Assert.That(ValueParser.TryParseTimestamp("1970-01-01T01:00:00+01:00", ValueParser.DefaultTimestampFormats, out var t), Is.True);
        Assert.That(t, Is.Zero);
        Assert.That(ValueParser.TryParseTimestamp("1969-12-31 23:59:59.999999", ValueParser.DefaultTimestampFormats, out t), Is.True);
        Assert.That(t, Is.EqualTo(-1));
    }

    [TestCase("yyyy-MM-dd", "2024-02-29", true)]
    [TestCase("yyyy-MM-dd", "2023-02-29", false)]
    [TestCase("yyyy-MM-dd", "2023/05/05", false)]
    [TestCase("yyyy-MM-dd", "2023-5-05", false)]
    [TestCase("MM/dd/yyyy", "12/31/2023", true)]
    [TestCase("MM/dd/yyyy", "31/12/2023", false)]
    [TestCase("d.M.yyyy", "1.2.2024", true)]
    [TestCase("yyyy-MM-dd'T'HH:mm:ss'Z'", "2024-01-01T23:59:59Z", true)]
    [TestCase("yyyy-MM-dd'T'HH:mm:ss'Z'", "2024-01-01T24:00:00Z", false)]
    [TestCase("yyyy-MM-dd'T'HH:mm:ss'Z'", "2024-01-01 10:00:00Z", false)]
    [TestCase("yyyy-MM-dd HH:mm:ss.fff", "2024-01-01 10:00:00.123", true)]
    public void DateTimeFormat_TryParse_IsExact(string format, string text, bool ok) =>
        Assert.That(DateTimeFormat.Compile(format).TryParse(text, out _, out _, out _), Is.EqualTo(ok));
}
