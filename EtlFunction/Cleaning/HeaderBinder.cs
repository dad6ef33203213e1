using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Cleaning;

/// <summary>
/// Matches a file's header to the contract: each contract column finds its source header (exact
/// text first, then ignoring case and surrounding spaces). A header text the file repeats binds
/// only when the contract names it exactly as often: the columns with that source then take its
/// occurrences left to right. A header that misses contract columns, has columns the contract does
/// not know (unless <c>unknown_columns: ignore</c>), or repeats a header the contract names a
/// different number of times fails the whole file with <see cref="ErrorType.ContractViolation"/>
/// naming every problem at once.
/// </summary>
public static class HeaderBinder
{
    /// <summary>Returns, for each contract column, the index of its field in the source rows.</summary>
    public static int[] Bind(IReadOnlyList<string> header, DatasetContract contract)
    {
        var problems = new List<string>();
        var used = new bool[header.Count];
        var map = new int[contract.Columns.Count];
        var declared = contract.Columns.CountBy(c => c.Source, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < contract.Columns.Count; c++)
        {
            var source = contract.Columns[c].Source;
            var occurrence = seen[source] = seen.GetValueOrDefault(source) + 1;
            var hits = Matches(header, source, exact: true);
            if (hits.Count == 0) hits = Matches(header, source, exact: false);
            if (hits.Count == 0 || (hits.Count == 1 && occurrence > 1))
            {
                map[c] = -1;
                continue;
            }
            if (hits.Count == declared[source])
            {
                // A repeated header named as often as it appears: the n-th column takes the n-th occurrence.
                map[c] = hits[occurrence - 1];
                used[map[c]] = true;
                continue;
            }
            if (hits.Count > 1 && occurrence == 1)
            {
                problems.Add($"header '{source}' appears {hits.Count} times (positions {string.Join(", ", hits.Select(h => h + 1))}); column '{contract.Columns[c].Name}' cannot tell which to use"
                    + (declared[source] > 1 ? $" (the contract names it {declared[source]} times)" : ""));
            }
            map[c] = hits[0];
            foreach (var h in hits) used[h] = true;
        }
        var missing = contract.Columns.Where((_, i) => map[i] < 0).Select(c => c.Source == c.Name ? c.Name : $"{c.Name} (header '{c.Source}')").ToList();
        if (missing.Count > 0) problems.Insert(0, $"missing columns: {string.Join(", ", missing)}");
        if (contract.UnknownColumns == UnknownColumnPolicy.Fail)
        {
            var unknown = header.Select((h, i) => (h, i)).Where(x => !used[x.i])
                .Select(x => string.IsNullOrWhiteSpace(x.h) ? $"(blank header at position {x.i + 1})" : $"'{x.h}'").ToList();
            if (unknown.Count > 0) problems.Add($"unknown columns: {string.Join(", ", unknown)} (add them to the contract or set unknown_columns: ignore)");
        }
        if (problems.Count > 0)
        {
            throw new EtlException(ErrorType.ContractViolation,
                $"the header does not satisfy contract '{contract.Dataset}': {string.Join("; ", problems)}");
        }
        return map;
    }

    private static List<int> Matches(IReadOnlyList<string> header, string source, bool exact)
    {
        var hits = new List<int>();
        for (var i = 0; i < header.Count; i++)
        {
            var ok = exact
                ? string.Equals(header[i], source, StringComparison.Ordinal)
                : string.Equals(header[i].Trim(), source.Trim(), StringComparison.OrdinalIgnoreCase);
            if (ok) hits.Add(i);
        }
        return hits;
    }

    /// <summary>The text of a raw header field: quotes removed, doubled quotes undone.</summary>
    public static string Unquote(ReadOnlySpan<char> raw) =>
        raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"'
            ? raw[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal)
            : raw.ToString();
}
