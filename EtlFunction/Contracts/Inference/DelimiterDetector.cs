namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Picks the delimiter of a CSV file from its first lines. The header alone can mislead (a header
/// <c>price,eur;qty</c> splits on both), so a candidate wins when it splits the header into the
/// most fields AND most of the next records into the same number of fields. Quotes are honoured:
/// a delimiter inside <c>"..."</c> does not count.
/// </summary>
internal static class DelimiterDetector
{
    /// <summary>The candidates, in the order that breaks ties.</summary>
    public static readonly char[] Candidates = [',', ';', '\t', '|'];

    /// <summary>At least this share of the sample records must have the header's field count.</summary>
    private const double ConsistentShare = 0.8;

    public static char Detect(string header, IReadOnlyList<string> samples)
    {
        var best = ',';
        var bestScore = (Consistent: false, Fields: 1);
        foreach (var d in Candidates)
        {
            var fields = CountFields(header, d);
            if (fields < 2) continue;
            var matching = 0;
            var total = 0;
            foreach (var s in samples)
            {
                if (s.Length == 0) continue;
                total++;
                if (CountFields(s, d) == fields) matching++;
            }
            var consistent = total == 0 || matching >= ConsistentShare * total;
            if ((consistent && !bestScore.Consistent) || (consistent == bestScore.Consistent && fields > bestScore.Fields))
            {
                best = d;
                bestScore = (consistent, fields);
            }
        }
        return best;
    }

    /// <summary>Fields in one record: delimiters outside quotes, plus one.</summary>
    public static int CountFields(ReadOnlySpan<char> record, char delimiter)
    {
        var fields = 1;
        var quoted = false;
        foreach (var ch in record)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == delimiter && !quoted) fields++;
        }
        return fields;
    }

    /// <summary>
    /// Splits the start of a file into complete records (a newline inside quotes does not end a
    /// record; a trailing <c>\r</c> is dropped). The last record counts only at the end of input,
    /// otherwise it may be cut.
    /// </summary>
    public static List<string> SplitRecords(ReadOnlySpan<char> text, bool atEnd, int maxRecords)
    {
        var records = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length && records.Count < maxRecords; i++)
        {
            var ch = text[i];
            if (ch == '"') quoted = !quoted;
            else if (ch == '\n' && !quoted)
            {
                records.Add(Record(text[start..i]));
                start = i + 1;
            }
        }
        if (atEnd && start < text.Length && records.Count < maxRecords) records.Add(Record(text[start..]));
        return records;
    }

    private static string Record(ReadOnlySpan<char> r) => (r.Length > 0 && r[^1] == '\r' ? r[..^1] : r).ToString();
}
