using EtlFunction.Values;

namespace EtlFunction.Tests.Unit.Values;

/// <summary>
/// The fixed-offset parser of <see cref="DateTimeFormat"/> must agree with the token-by-token one
/// on every input: valid, impossible, malformed, too short or too long.
/// </summary>
public class DateTimeFormatFastPathTests
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd", "MM/dd/yyyy", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd HH:mm:ss.ffffff", "dd.MM.yyyy HH:mm", "yyyyMMdd",
        "yyyy-MM-dd HH:mm:ss.fffffff", "M/d/yyyy", "yyyy-MM-ddTHH:mm:ssK",
    ];

    private static readonly string[] Values =
    [
        "2023-05-05", "2024-02-29", "2023-02-29", "2023-02-30", "2023-13-01", "2023-00-10", "2023-04-31", "0000-01-01",
        "0001-01-01", "9999-12-31", "2023-5-05", "2023/05/05", "2023-05-05 ", " 2023-05-05", "2023-05-0x", "20230505",
        "12/31/2023", "02/29/2023", "02/29/2024", "13/01/2023", "1/2/2023", "12/31/23", "2023-09-01T06:27:34Z",
        "2023-09-01T24:00:00Z", "2023-09-01T23:60:00Z", "2023-09-01T23:59:60Z", "2023-09-01T06:27:34", "2023-09-01T06:27:34z",
        "2023-09-01T06:27:34+02:00", "2023-09-01 06:27:34.123456", "2023-09-01 06:27:34.1234567", "2023-09-01 06:27:34.1234560",
        "05.05.2023 23:59", "05.05.2023 7:59", "", "-", "2023-05-05T06:27:34Z", "１２/31/2023",
    ];

    [Test]
    public void TryParse_EveryFormatAndValue_AgreesWithGeneralParser()
    {
        foreach (var text in Formats)
        {
            var f = DateTimeFormat.Compile(text);
            foreach (var v in Values) AssertAgree(f, v);
        }
    }

    [Test]
    public void TryParse_MutatedValues_AgreesWithGeneralParser()
    {
        var rng = new Random(5);
        const string alphabet = "0123456789-/:TZ .+x";
        foreach (var text in Formats)
        {
            var f = DateTimeFormat.Compile(text);
            foreach (var v in Values)
            {
                for (var k = 0; k < 200 && v.Length > 0; k++)
                {
                    var chars = v.ToCharArray();
                    chars[rng.Next(chars.Length)] = alphabet[rng.Next(alphabet.Length)];
                    AssertAgree(f, new string(chars));
                }
            }
        }
    }

    [Test]
    public void TryParse_FixedFormatValidDate_ReturnsDayNumber()
    {
        var f = DateTimeFormat.Compile("MM/dd/yyyy");
        Assert.That(f.TryParse("02/29/2024", out var day, out var tod, out var offset), Is.True);
        Assert.That((day, tod, offset), Is.EqualTo((new DateOnly(2024, 2, 29).DayNumber, 0L, 0)));
        Assert.That(f.TryParse("02/30/2024", out _, out _, out _), Is.False);
    }

    [Test]
    public void TryDayNumber_EveryDateOfYears1To9999_MatchesDateOnly()
    {
        var expected = 0;
        for (var y = 1; y <= 9999; y++)
        {
            for (var m = 0; m <= 13; m++)
            {
                var inMonth = m is >= 1 and <= 12 ? DateTime.DaysInMonth(y, m) : 0;
                for (var d = 0; d <= 32; d++)
                {
                    var ok = CivilDays.TryDayNumber(y, m, d, out var n);
                    var valid = d >= 1 && d <= inMonth;
                    if (ok != valid || (valid && n != expected)) Assert.Fail($"{y}-{m}-{d}: {ok} {n}, expected {valid} {expected}");
                    if (valid) expected++;
                }
            }
        }
        Assert.That(expected, Is.EqualTo(DateOnly.MaxValue.DayNumber + 1));
    }

    private static void AssertAgree(DateTimeFormat f, string v)
    {
        var fast = f.TryParse(v, out var d1, out var t1, out var o1);
        var general = f.TryParseGeneral(v, out var d2, out var t2, out var o2);
        Assert.That((fast, d1, t1, o1), Is.EqualTo((general, d2, t2, o2)), $"format {f.Text}, value '{v}'");
    }
}
