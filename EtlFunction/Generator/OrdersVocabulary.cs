using System.Text;

namespace EtlFunction.Generator;

/// <summary>
/// The value lists of the orders data, copied from the reference generator so both produce the
/// same kinds of values; plus precomputed UTF-8 renderings (dates, names) so the hot loop only
/// copies bytes.
/// </summary>
public static class OrdersVocabulary
{
    public static readonly string[] Columns =
    [
        "order_id", "customer_id", "customer_email", "country", "amount", "currency",
        "order_date", "created_at", "status", "is_gift", "note", "quantity",
    ];

    public static readonly string[] Countries =
        ["US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "PL", "PT", "IE", "CA", "AU", "JP", "BR", "MX", "IN"];
    public static readonly string[] Currencies = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF"];
    public static readonly string[] Statuses = ["pending", "paid", "shipped", "delivered", "cancelled"];
    public const string TestStatus = "test";
    /// <summary>Every spelling is valid under R6; the first three mean true.</summary>
    public static readonly string[] Gifts = ["true", "1", "yes", "false", "0", "no"];
    public static readonly string[] Domains = ["example.com", "mail.test", "shop.example.org", "corp.example.net"];
    /// <summary>None of these parses as DECIMAL(12,2), so each is rejected by R3.</summary>
    public static readonly string[] BadAmounts = ["N/A", "12,3x", "abc", "1.2.3", "--", ""];
    /// <summary>None of these passes R4: impossible date, month 13, dd/MM order, text, wrong separator, empty.</summary>
    public static readonly string[] BadDates = ["2023-02-30", "2023-13-01", "31/12/2023", "not a date", "2023/05/05", ""];
    public static readonly string[] Words =
        ("please deliver before noon fragile handle with care gift wrap leave at front door call on arrival "
         + "back entrance office hours only no signature needed birthday present thank you").Split(' ');
    public static readonly string[] TrickyNotes =
    [
        "Leave at door, ring \"twice\"\nThanks",
        "He said \"fragile\", so be careful",
        "Line one\nLine two, with comma",
        "\"Quoted\" note, and more\nsecond line \"x\"",
        "a,b,c\n\"d\"",
    ];

    /// <summary>order_date and created_at days: 2023-01-01 .. 2024-12-31.</summary>
    public static readonly DateOnly FirstDay = new(2023, 1, 1);
    public static readonly int DayCount = new DateOnly(2024, 12, 31).DayNumber - FirstDay.DayNumber + 1;

    internal static readonly byte[][] IsoDays = RenderDays("yyyy-MM-dd");
    internal static readonly byte[][] UsDays = RenderDays("MM/dd/yyyy");
    internal static readonly byte[][] CountryBytes = Utf8(Countries);
    internal static readonly byte[][] CurrencyBytes = Utf8(Currencies);
    internal static readonly byte[][] StatusBytes = Utf8(Statuses);
    internal static readonly byte[][] GiftBytes = Utf8(Gifts);
    internal static readonly byte[][] DomainBytes = Utf8(Domains);
    internal static readonly byte[][] BadAmountBytes = Utf8(BadAmounts);
    internal static readonly byte[][] BadDateBytes = Utf8(BadDates);
    internal static readonly byte[][] WordBytes = Utf8(Words);
    internal static readonly byte[][] TrickyNoteBytes = Utf8(TrickyNotes);
    internal static readonly int[] TrickyNoteNewlines = [.. TrickyNotes.Select(n => n.Count(c => c == '\n'))];

    /// <summary>True for the <see cref="Gifts"/> index that R6 maps to true.</summary>
    internal static bool GiftIsTrue(int index) => index < 3;

    private static byte[][] RenderDays(string format) =>
        [.. Enumerable.Range(0, DayCount).Select(d => Encoding.ASCII.GetBytes(
            FirstDay.AddDays(d).ToString(format, System.Globalization.CultureInfo.InvariantCulture)))];

    private static byte[][] Utf8(string[] values) => [.. values.Select(Encoding.UTF8.GetBytes)];
}
