using EtlFunction.Values;

namespace EtlFunction.Contracts.Inference;

/// <summary>Which part of a slash date comes first; formats of opposite orders never share a column.</summary>
internal enum DayMonthOrder { None, MonthFirst, DayFirst }

/// <summary>One format a date/timestamp column may be read with.</summary>
internal sealed record DateCandidate(string Text, DateTimeFormat Format, DayMonthOrder Order)
{
    public bool HasTime => Format.HasTime;
}

/// <summary>
/// The date and timestamp formats inference tries, in order of preference, and a fast matcher
/// that returns, for one value, the set (a bit mask) of formats that parse it exactly. Only formats
/// whose leading separator fits the value are tried, so a date column costs a few parses per value.
/// </summary>
internal static class DateCandidates
{
    public static readonly DateCandidate[] All =
    [
        Make("yyyy-MM-dd"),
        Make("yyyy/MM/dd"),
        Make("dd.MM.yyyy"),
        Make("d.M.yyyy"),
        Make("MM/dd/yyyy", DayMonthOrder.MonthFirst),
        Make("dd/MM/yyyy", DayMonthOrder.DayFirst),
        Make("M/d/yyyy", DayMonthOrder.MonthFirst),
        Make("d/M/yyyy", DayMonthOrder.DayFirst),
        Make("yyyy-MM-dd HH:mm:ss"),
        Make("iso8601"),
        Make("yyyy/MM/dd HH:mm:ss"),
        Make("dd.MM.yyyy HH:mm:ss"),
        Make("MM/dd/yyyy HH:mm:ss", DayMonthOrder.MonthFirst),
        Make("dd/MM/yyyy HH:mm:ss", DayMonthOrder.DayFirst),
    ];

    public static readonly int DateOnlyBits = BitsWhere(c => !c.HasTime);
    public static readonly int MonthFirstBits = BitsWhere(c => c.Order == DayMonthOrder.MonthFirst);
    public static readonly int DayFirstBits = BitsWhere(c => c.Order == DayMonthOrder.DayFirst);

    // Candidates grouped by the value's first separator: "2023-" / "2023/" / "12/" / "12." (index = Family()).
    private static readonly int[][] ByFamily =
    [
        Indexes(t => t.StartsWith("yyyy-", StringComparison.Ordinal) || t == "iso8601"),
        Indexes(t => t.StartsWith("yyyy/", StringComparison.Ordinal)),
        Indexes(t => t[0] is 'd' or 'M' && t[t.TakeWhile(char.IsLetter).Count()] == '/'),
        Indexes(t => t[0] is 'd' or 'M' && t[t.TakeWhile(char.IsLetter).Count()] == '.'),
    ];

    /// <summary>The formats (bit i = <see cref="All"/>[i]) that parse <paramref name="value"/>; 0 if none.</summary>
    public static int Match(ReadOnlySpan<char> value)
    {
        var family = Family(value);
        if (family < 0) return 0;
        var mask = 0;
        foreach (var i in ByFamily[family])
        {
            if (All[i].Format.TryParse(value, out _, out _, out _)) mask |= 1 << i;
        }
        return mask;
    }

    public static IEnumerable<int> Bits(int mask)
    {
        for (var i = 0; i < All.Length; i++)
        {
            if ((mask & (1 << i)) != 0) yield return i;
        }
    }

    private static int Family(ReadOnlySpan<char> v)
    {
        if (v.Length < 8 || v[0] is < '0' or > '9') return -1;
        var k = 1;
        while (k < v.Length && k <= 4 && v[k] is >= '0' and <= '9') k++;
        if (k == 4) return v[4] switch { '-' => 0, '/' => 1, _ => -1 };
        if (k <= 2) return v[k] switch { '/' => 2, '.' => 3, _ => -1 };
        return -1;
    }

    private static DateCandidate Make(string text, DayMonthOrder order = DayMonthOrder.None) =>
        new(text, DateTimeFormat.Compile(text), order);

    private static int BitsWhere(Func<DateCandidate, bool> predicate)
    {
        var bits = 0;
        for (var i = 0; i < All.Length; i++)
        {
            if (predicate(All[i])) bits |= 1 << i;
        }
        return bits;
    }

    private static int[] Indexes(Func<string, bool> predicate) =>
        Enumerable.Range(0, All.Length).Where(i => predicate(All[i].Text)).ToArray();
}
