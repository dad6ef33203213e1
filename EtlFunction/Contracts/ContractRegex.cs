using System.Globalization;
using System.Text.RegularExpressions;

namespace EtlFunction.Contracts;

/// <summary>
/// The one place a contract-supplied regular expression (<c>pattern</c> checks and filters,
/// <c>regex_replace</c> transforms) is compiled. Contracts are edited outside the image, so a
/// pattern must not be able to stall a step: .NET's <see cref="RegexOptions.NonBacktracking"/>
/// engine matches in time linear in the input (<c>(a+)+$</c> included), and refuses at construction
/// what it cannot express (backreferences, lookarounds, atomic groups, conditionals, \G, automata
/// over its size limit), which the loader reports as a <c>ContractViolation</c>. A match timeout
/// stays as a second guard for very long values: a timed-out value rejects its row.
/// </summary>
internal static class ContractRegex
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>Per value; linear matching of a <c>max_field_length</c> value takes milliseconds.</summary>
    internal static TimeSpan MatchTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A pattern that must match the whole value (checks and filters).</summary>
    public static Regex FullMatch(string pattern) => new("^(?:" + pattern + ")$", Options, MatchTimeout);

    /// <summary>A pattern that matches anywhere (<c>regex_replace</c>).</summary>
    public static Regex Search(string pattern) => new(pattern, Options, MatchTimeout);

    /// <summary>Null when <paramref name="pattern"/> compiles as it will run, otherwise why not (for the loader's message).</summary>
    public static string? Problem(string pattern, bool fullMatch)
    {
        try
        {
            // The bare pattern first: wrapped, "a)|(b" would parse.
            _ = Search(pattern);
            if (fullMatch) _ = FullMatch(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"bad regex '{pattern}': {e.Message}";
        }
        catch (NotSupportedException e)
        {
            // "RegexOptions.NonBacktracking is not supported in conjunction with expressions containing: 'backreference (\ number)'."
            const string Marker = "containing: '";
            var at = e.Message.IndexOf(Marker, StringComparison.Ordinal);
            var end = e.Message.LastIndexOf('\'');
            var what = at >= 0 && end > at + Marker.Length ? e.Message[(at + Marker.Length)..end] : null;
            return what is not null
                ? $"regex '{pattern}' is not supported: it uses {what}; contract patterns run on the linear-time (NonBacktracking) engine, "
                    + "which has no backreferences, lookarounds, atomic groups or conditionals"
                : $"regex '{pattern}' is not supported by the linear-time (NonBacktracking) engine contract patterns run on: {e.Message}";
        }
    }

    /// <summary>The reject reason for a value whose match ran over <see cref="MatchTimeout"/>.</summary>
    public static string TimeoutReason(string pattern, int length) =>
        string.Create(CultureInfo.InvariantCulture, $"matching pattern {pattern} on a value of {length:N0} characters took over {MatchTimeout.TotalSeconds:0.###} s");
}
