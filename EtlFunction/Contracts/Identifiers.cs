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
    /// <c>_</c>, a leading digit prefixed, blanks (and headers without any Latin letter or digit, such
    /// as <c>名前</c>) named <c>column_N</c> (1-based position), SQL reserved words suffixed, and
    /// duplicates made unique with <c>_2</c>, <c>_3</c>, ... through <paramref name="taken"/>, never
    /// longer than <see cref="MaxLength"/>.
    /// </summary>
    public static string ToSafe(string header, int position, ISet<string> taken)
    {
        var source = header.Trim();
        var sb = new StringBuilder(source.Length);
        var lastUnderscore = true;
        for (var i = 0; i < source.Length; i++)
        {
            var ch = source[i];
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            var folded = ch < 128 ? null : Folds.GetValueOrDefault(ch);
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9' || (folded is not null && !char.IsUpper(ch)))
            {
                sb.Append(folded ?? ch.ToString());
                lastUnderscore = false;
            }
            else if (ch is >= 'A' and <= 'Z' || folded is not null)
            {
                // camelCase / PascalCase / ACRONYMWord → snake_case
                if (!lastUnderscore && StartsWord(source, i)) sb.Append('_');
                sb.Append(folded ?? char.ToLowerInvariant(ch).ToString());
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
        for (var n = 2; !taken.Add(unique); n++)
        {
            var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
            unique = (name.Length + suffix.Length > MaxLength ? name[..(MaxLength - suffix.Length)].TrimEnd('_') : name) + suffix;
        }
        return unique;
    }

    /// <summary>An upper-case letter starts a word after a lower-case one (userId) or where an acronym ends (HTTPStatus).</summary>
    private static bool StartsWord(string s, int i) =>
        i > 0 && (char.IsLower(s[i - 1])
            || (char.IsUpper(s[i - 1]) && i + 2 < s.Length && char.IsLower(s[i + 1]) && char.IsLower(s[i + 2])));

    // Latin letters with accents (Latin-1 Supplement, Latin Extended-A) folded to ASCII. A table, not
    // string.Normalize: with InvariantGlobalization normalization does not decompose, and names must
    // not depend on the host's ICU.
    private static readonly Dictionary<char, string> Folds = BuildFolds(
        ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"), ("Ææ", "ae"), ("ÇçĆćĈĉĊċČč", "c"), ("ÐðĎďĐđ", "d"),
        ("ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"), ("ĜĝĞğĠġĢģ", "g"), ("ĤĥĦħ", "h"), ("ÌÍÎÏìíîïĨĩĪīĬĭĮįİı", "i"),
        ("Ĳĳ", "ij"), ("Ĵĵ", "j"), ("Ķķĸ", "k"), ("ĹĺĻļĽľĿŀŁł", "l"), ("ÑñŃńŅņŇňŉŊŋ", "n"),
        ("ÒÓÔÕÖØòóôõöøŌōŎŏŐő", "o"), ("Œœ", "oe"), ("ŔŕŖŗŘř", "r"), ("ŚśŜŝŞşŠšſ", "s"), ("ß", "ss"),
        ("ŢţŤťŦŧ", "t"), ("Þþ", "th"), ("ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų", "u"), ("Ŵŵ", "w"), ("ÝýÿŶŷŸ", "y"),
        ("ŹźŻżŽž", "z"));

    private static Dictionary<char, string> BuildFolds(params (string Letters, string Ascii)[] groups)
    {
        var folds = new Dictionary<char, string>();
        foreach (var (letters, ascii) in groups)
        {
            foreach (var ch in letters) folds.Add(ch, ascii);
        }
        return folds;
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
