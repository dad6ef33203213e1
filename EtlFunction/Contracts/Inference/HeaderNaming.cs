namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Names the columns of a header: each header text becomes a unique safe identifier through
/// <see cref="Identifiers.ToSafe"/>, while the exact text stays the column's <c>source</c>. A header
/// text that appears more than once stays the source of each of its columns; the loader accepts
/// repeated sources and they match the file's occurrences left to right (see
/// <see cref="ColumnSpec.Source"/>), so the contract reads the file it was inferred from.
/// </summary>
internal static class HeaderNaming
{
    public static (string[] Names, Dictionary<int, string> Notes) Name(IReadOnlyList<string> headers)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[headers.Count];
        var notes = new Dictionary<int, string>();
        for (var i = 0; i < headers.Count; i++)
        {
            names[i] = Identifiers.ToSafe(headers[i], i + 1, taken);
            if (string.IsNullOrWhiteSpace(headers[i]))
            {
                notes[i] = $"blank header at position {i + 1}: named by position";
            }
            else if (names[i].StartsWith("column_", StringComparison.Ordinal) && !headers[i].Contains("column", StringComparison.OrdinalIgnoreCase))
            {
                notes[i] = $"header {Notes.Quote(headers[i])} has no ASCII letters or digits: named by position";
            }
        }
        foreach (var group in Enumerable.Range(0, headers.Count).GroupBy(i => headers[i], StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var positions = group.ToArray();
            for (var k = 0; k < positions.Length; k++)
            {
                var note = $"header {Notes.Quote(group.Key)} appears {positions.Length} times (positions {string.Join(", ", positions.Select(p => p + 1))}); "
                    + $"this column is occurrence {k + 1}: repeated sources match the file's occurrences left to right";
                notes[positions[k]] = notes.TryGetValue(positions[k], out var earlier) ? earlier + "; " + note : note;
            }
        }
        return (names, notes);
    }
}
