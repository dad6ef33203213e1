using System.Globalization;

namespace EtlFunction.Cli;

/// <summary>A tiny command-line parser: positionals, <c>--name value</c> (or <c>--name=value</c>) options and <c>--flag</c> switches, with errors that say what is wrong.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public Args(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var a = args.ToArray();
        for (var i = 0; i < a.Length; i++)
        {
            if (!IsOption(a[i]))
            {
                Positionals.Add(a[i]);
                continue;
            }
            var eq = a[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _options[a[i][2..eq]] = a[i][(eq + 1)..];
            }
            else if (flags.Contains(a[i][2..]) || i + 1 >= a.Length || IsOption(a[i + 1]))
            {
                _options[a[i][2..]] = null; // a switch, or an option missing its value (reported when asked for)
            }
            else
            {
                _options[a[i][2..]] = a[++i];
            }
        }
    }

    private static bool IsOption(string s) => s.StartsWith("--", StringComparison.Ordinal) && s.Length > 2;

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Option(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return null;
        return v ?? throw new UsageException($"option --{name} needs a value");
    }

    public long Long(string name, long fallback)
    {
        var v = Option(name);
        if (v is null) return fallback;
        var text = v.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new UsageException($"--{name} needs a whole number, got '{v}'");
    }

    /// <summary>Fails on options nobody asked for (a typo should not be silently ignored).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

/// <summary>A command line that cannot be run as written (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
