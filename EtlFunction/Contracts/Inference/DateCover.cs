namespace EtlFunction.Contracts.Inference;

/// <summary>How often one combination of matching formats was seen, with its first value.</summary>
internal sealed class MaskStat(string example, long line)
{
    public long Count { get; set; }
    public string Example { get; } = example;
    public long Line { get; } = line;
}

/// <summary>The outcome of choosing formats for a column whose every value parses as some date.</summary>
/// <param name="Type">date or timestamp; null when no safe choice exists (the column stays a string).</param>
/// <param name="Formats">Formats in the order the parser should try them.</param>
/// <param name="Note">How many values each format reads, or why no format set is safe.</param>
internal sealed record DateChoice(ColumnType? Type, IReadOnlyList<string> Formats, string Note);

/// <summary>
/// Picks the smallest set of formats such that every value parses with one of them (a set cover
/// over the masks seen). Date-only sets are preferred to timestamps (a date format never drops a
/// time of day because none was seen). Month-first and day-first slash formats are never mixed:
/// <c>03/04/2023</c> would silently take the first one's meaning. When both orders are consistent
/// with every value the column is ambiguous and stays a string; a person must decide.
/// </summary>
internal static class DateCover
{
    public static DateChoice Choose(IReadOnlyDictionary<int, MaskStat> masks, int maxFormats)
    {
        var (dates, dateReason) = ChooseWithin(masks, DateCandidates.DateOnlyBits, maxFormats);
        if (dates is not null) return Chosen(ColumnType.Date, dates, masks);
        // A day/month conflict among the dates does not go away by allowing times.
        if (dateReason is not null) return new DateChoice(null, [], dateReason);
        var (stamps, stampReason) = ChooseWithin(masks, ~0, maxFormats);
        if (stamps is not null) return Chosen(ColumnType.Timestamp, stamps, masks);
        return new DateChoice(null, [], stampReason ?? $"the values need more than {maxFormats} date/time formats");
    }

    /// <summary>A cover using only <paramref name="allowed"/> formats, or why none is safe (both null: none fits).</summary>
    private static (int[]? Formats, string? Reason) ChooseWithin(IReadOnlyDictionary<int, MaskStat> masks, int allowed, int maxFormats)
    {
        var unordered = Cover(masks.Keys, allowed & ~DateCandidates.MonthFirstBits & ~DateCandidates.DayFirstBits, maxFormats);
        if (unordered is not null) return (unordered, null);
        var monthFirst = Cover(masks.Keys, allowed & ~DateCandidates.DayFirstBits, maxFormats);
        var dayFirst = Cover(masks.Keys, allowed & ~DateCandidates.MonthFirstBits, maxFormats);
        if (monthFirst is not null && dayFirst is not null)
        {
            var sample = Example(masks, m => (m & DateCandidates.MonthFirstBits) != 0 && (m & DateCandidates.DayFirstBits) != 0);
            return (null, $"day/month order is ambiguous: every slash date fits both MM/dd and dd/MM (e.g. {sample}); "
                + "to type it, set type: date and formats: [MM/dd/yyyy] or [dd/MM/yyyy]");
        }
        if (monthFirst is not null) return (monthFirst, null);
        if (dayFirst is not null) return (dayFirst, null);
        var monthOnly = Example(masks, m => (m & allowed & DateCandidates.MonthFirstBits) != 0 && (m & DateCandidates.DayFirstBits) == 0);
        var dayOnly = Example(masks, m => (m & allowed & DateCandidates.DayFirstBits) != 0 && (m & DateCandidates.MonthFirstBits) == 0);
        if (monthOnly is not null && dayOnly is not null)
        {
            return (null, $"both month-first ({monthOnly}) and day-first ({dayOnly}) dates appear: no single day/month order reads them all");
        }
        return (null, null);
    }

    /// <summary>The choice, with how many values each format reads (the first format that parses a value reads it).</summary>
    private static DateChoice Chosen(ColumnType type, int[] formats, IReadOnlyDictionary<int, MaskStat> masks)
    {
        var counts = new long[formats.Length];
        foreach (var (mask, stat) in masks)
        {
            counts[Array.FindIndex(formats, f => (mask & (1 << f)) != 0)] += stat.Count;
        }
        var texts = formats.Select(i => DateCandidates.All[i].Text).ToArray();
        var usage = string.Join(", ", texts.Select((t, k) => $"{t} ({Notes.Count(counts[k])})"));
        return new DateChoice(type, texts, usage);
    }

    /// <summary>The first (in preference order) smallest set of allowed formats meeting every mask, or null.</summary>
    private static int[]? Cover(IEnumerable<int> masks, int allowed, int maxFormats)
    {
        var needed = masks.ToArray();
        if (needed.Any(m => (m & allowed) == 0)) return null;
        var usable = DateCandidates.Bits(allowed & ((1 << DateCandidates.All.Length) - 1)).ToArray();
        for (var size = 1; size <= Math.Min(maxFormats, usable.Length); size++)
        {
            var pick = new int[size];
            if (Search(usable, needed, pick, 0, 0)) return pick;
        }
        return null;
    }

    private static bool Search(int[] usable, int[] needed, int[] pick, int depth, int from)
    {
        if (depth == pick.Length)
        {
            var set = 0;
            foreach (var i in pick) set |= 1 << i;
            return needed.All(m => (m & set) != 0);
        }
        for (var k = from; k <= usable.Length - (pick.Length - depth); k++)
        {
            pick[depth] = usable[k];
            if (Search(usable, needed, pick, depth + 1, k + 1)) return true;
        }
        return false;
    }

    /// <summary>The earliest value whose mask meets <paramref name="predicate"/>, ready for a note; null if none.</summary>
    private static string? Example(IReadOnlyDictionary<int, MaskStat> masks, Func<int, bool> predicate)
    {
        MaskStat? first = null;
        foreach (var (mask, stat) in masks)
        {
            if (predicate(mask) && (first is null || stat.Line < first.Line)) first = stat;
        }
        return first is null ? null : Notes.Value(first.Example, first.Line);
    }
}
