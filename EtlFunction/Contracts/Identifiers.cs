using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EtlFunction.Contracts;

/// <summary>
/// Turns arbitrary header text into safe SQL identifiers. Target names are restricted to
/// <c>[a-z_][a-z0-9_]*</c> (at most 64 characters, MySQL's limit) so they never need escaping in
/// any database or file format; the original header stays in the contract as the column's source.
/// </summary>
public static partial class Identifiers
{
    public const int MaxLength = 64;

    public static bool IsSafe(string name) => name.Length <= MaxLength && SafePattern().IsMatch(name);

    /// <summary>
    /// A safe identifier for <paramref name="header"/>: accents folded, other characters replaced by
    /// <c>_</c>, a leading digit prefixed, blanks named <c>column_N</c> (1-based position), SQL
    /// reserved words suffixed, and duplicates made unique with <c>_2</c>, <c>_3</c>, ... through
    /// <paramref name="taken"/>.
    /// </summary>
    public static string ToSafe(string header, int position, ISet<string> taken)
    {
        var sb = new StringBuilder(header.Length);
        var normalized = header.Trim().Normalize(NormalizationForm.FormD);
        var lastUnderscore = true;
        foreach (var ch in normalized)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(ch);
                lastUnderscore = false;
            }
            else if (ch is >= 'A' and <= 'Z')
            {
                // camelCase / PascalCase → snake_case
                if (!lastUnderscore && sb.Length > 0 && sb[^1] is >= 'a' and <= 'z') sb.Append('_');
                sb.Append(char.ToLowerInvariant(ch));
                lastUnderscore = false;
            }
            else if (!lastUnderscore)
            {
                sb.Append('_');
                lastUnderscore = true;
            }
        }
        var name = sb.ToString().Trim('_');
        if (name.Length == 0) name = "column_" + position.ToString(CultureInfo.InvariantCulture);
        if (name[0] is >= '0' and <= '9') name = "c_" + name;
        if (name.Length > MaxLength - 4) name = name[..(MaxLength - 4)].TrimEnd('_');
        if (ReservedWords.Contains(name)) name += "_";
        var unique = name;
        for (var n = 2; !taken.Add(unique); n++) unique = $"{name}_{n}";
        return unique;
    }

    // Words reserved in MySQL 8 / MariaDB / SQLite that a header plausibly contains.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "add", "all", "alter", "and", "as", "asc", "between", "by", "case", "check", "column", "constraint",
        "create", "cross", "current_date", "current_time", "current_timestamp", "database", "default", "delete",
        "desc", "distinct", "drop", "else", "exists", "false", "for", "foreign", "from", "group", "having", "in",
        "index", "inner", "insert", "interval", "into", "is", "join", "key", "keys", "left", "like", "limit",
        "load", "match", "natural", "not", "null", "on", "or", "order", "outer", "primary", "range", "rank",
        "references", "right", "rows", "select", "set", "table", "then", "to", "true", "union", "unique",
        "update", "usage", "using", "values", "when", "where", "with",
    };

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex SafePattern();
}
