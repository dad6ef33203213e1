using System.Globalization;
using System.Text;
using EtlFunction.ProcessedCsv;
using EtlFunction.Values;

namespace EtlFunction.Tests.Unit.ProcessedCsv;

/// <summary>
/// Dates and timestamps are written from a cache of formatted days and two-digit pairs; the text
/// must be what the .NET formatter gives for every day, including days that evict each other.
/// </summary>
public class CanonicalDateFormattingTests
{
    [Test]
    public void WriteDate_EveryDayNumber_MatchesDateOnlyFormatting()
    {
        // Every day of years 1-9999, in an order that makes neighbours collide in the cache.
        var days = Enumerable.Range(0, DateOnly.MaxValue.DayNumber + 1).ToArray();
        new Random(7).Shuffle(days);
        var expected = new StringBuilder();
        var actual = WriteRows(w =>
        {
            foreach (var d in days)
            {
                w.WriteDate(d);
                w.EndRow();
                expected.Append(DateOnly.FromDayNumber(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
            }
        });
        Assert.That(actual, Is.EqualTo(expected.ToString()));
    }

    [TestCase(0L, "1970-01-01 00:00:00")]
    [TestCase(-1L, "1969-12-31 23:59:59.999999")]
    [TestCase(1_693_549_654_000_000L, "2023-09-01 06:27:34")]
    [TestCase(1_693_549_654_000_010L, "2023-09-01 06:27:34.000010")]
    [TestCase(1_693_549_654_120_300L, "2023-09-01 06:27:34.120300")]
    [TestCase(253_402_300_799_999_999L, "9999-12-31 23:59:59.999999")]
    [TestCase(-62_135_596_800_000_000L, "0001-01-01 00:00:00")]
    public void WriteTimestamp_Value_CanonicalText(long micros, string expected) =>
        Assert.That(WriteRows(w => { w.WriteTimestamp(micros); w.EndRow(); }), Is.EqualTo(expected + "\n"));

    [Test]
    public void WriteTimestamp_RandomInstants_MatchesDateTimeFormatting()
    {
        var rng = new Random(11);
        var min = -62_135_596_800_000_000L;
        var max = 253_402_300_799_999_999L;
        var values = Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? rng.NextInt64(min, max) : rng.NextInt64(0, 1_000_000_000) * 1_000_000).ToArray();
        var expected = new StringBuilder();
        var actual = WriteRows(w =>
        {
            foreach (var v in values)
            {
                w.WriteDate(v / ValueParser.MicrosPerDay + ValueParser.UnixEpochDayNumber);
                w.WriteTimestamp(v);
                w.EndRow();
                var t = DateTime.UnixEpoch.AddTicks(v * 10);
                expected.Append(DateOnly.FromDayNumber((int)(v / ValueParser.MicrosPerDay + ValueParser.UnixEpochDayNumber)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Append(',').Append(t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append('\n');
            }
        });
        Assert.That(actual, Is.EqualTo(expected.ToString()));
    }

    private static string WriteRows(Action<CanonicalCsvWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            write(w);
            w.Flush();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
