using System.Text.RegularExpressions;
using EtlFunction.Cli;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// In the spirit of Sep's ReadMeTest: what the README's "Command line" block documents exists. Every
/// command it shows is in the CLI's help, with every option it shows; and every option the help shows
/// is one the command accepts (the parser rejects unknown options, so a stale help line fails here).
/// </summary>
public partial class ReadMeTests
{
    private static readonly string Help = CliApp.Help;

    /// <summary>The help's usage line of each command: <c>  run FILE [--dataset NAME] ...</c>.</summary>
    private static Dictionary<string, string> Usages() =>
        UsageLine().Matches(Help).ToDictionary(m => m.Groups[1].Value, m => m.Groups[0].Value.Trim());

    private static string[] Commands() => [.. Usages().Keys];

    [Test]
    public void Help_ListsEveryCommand() =>
        Assert.That(Commands(), Is.EquivalentTo(new[] { "run", "invoke", "infer", "contract", "generate", "bench", "replay", "athena-ddl" }));

    [Test]
    public void Readme_CommandLineBlock_DocumentsOnlyWhatTheHelpHas()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Command line", StringComparison.Ordinal)..];
        var block = CodeBlock().Match(section).Groups[1].Value;
        var lines = block.Split('\n').Where(l => l.StartsWith("EtlFunction ", StringComparison.Ordinal)).ToList();
        Assert.That(lines.Select(l => l.Split(' ')[1]), Is.EquivalentTo(Commands()), "the README shows each command once");

        var usages = Usages();
        foreach (var line in lines)
        {
            var command = line.Split(' ')[1];
            Assert.That(Options(line).Select(o => o.Name), Is.SubsetOf(Options(usages[command]).Select(o => o.Name)), line);
            // The positional words (FILE, step names, generator kinds) are the help's too.
            Assert.That(line.Split(' ')[2], Is.EqualTo(usages[command].Split(' ')[1]), line);
        }
    }

    [TestCaseSource(nameof(Commands))]
    public async Task Help_EveryOptionOfACommand_IsAcceptedByIt(string command)
    {
        var root = Path.Combine(Path.GetTempPath(), "etl-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        // --s3 builds its client (no request is made) before invoke reads stdin; the SDK wants a region for that.
        var region = Environment.GetEnvironmentVariable("AWS_REGION");
        Environment.SetEnvironmentVariable("AWS_REGION", region ?? "us-east-1");
        try
        {
            var usage = Usages()[command];
            var missing = Path.Combine(root, "missing.csv");
            // One positional that stops the command right after it checked its options (a missing file,
            // empty stdin for invoke), or a generator run of 0 rows.
            var positional = usage.Split(' ')[1] switch
            {
                "FILE" => [missing],
                var kinds when kinds.Contains('|') => new[] { kinds.Split('|')[0] },
                _ => [],
            };
            var argv = new List<string> { command };
            argv.AddRange(positional);
            foreach (var (name, placeholder) in Options(usage))
            {
                argv.Add(name);
                if (placeholder is null) continue;
                argv.Add(placeholder switch
                {
                    "N" when name == "--rows" => "0",
                    "N" or "K" or "S" => "2",
                    "DIR" => root,
                    "FILE" when name == "--file" => missing,
                    "FILE" => Path.Combine(root, name.TrimStart('-') + ".out"),
                    "CONN" => "Server=localhost;Database=none",
                    _ => "x",
                });
            }
            var stderr = new StringWriter();
            var code = await CliApp.RunAsync([.. argv], new StringReader(""), new StringWriter(), stderr);

            Assert.That(stderr.ToString(), Does.Not.Contain("unknown option").And.Not.Contain("needs a value").And.Not.Contain("needs --"), string.Join(' ', argv));
            Assert.That(code, Is.AnyOf(0, 2, 3), stderr.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", region);
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The <c>--name</c> options of a usage line, each with its placeholder (<c>FILE</c>, <c>N</c>) or null for a switch.</summary>
    private static List<(string Name, string? Placeholder)> Options(string usage)
    {
        var tokens = usage.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('[', ']')).ToList();
        var options = new List<(string, string?)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var value = i + 1 < tokens.Count && Placeholder().IsMatch(tokens[i + 1]) ? tokens[i + 1] : null;
            options.Add((tokens[i], value));
        }
        return options;
    }

    [GeneratedRegex(@"^  ([a-z][a-z-]*) .*$", RegexOptions.Multiline)]
    private static partial Regex UsageLine();

    [GeneratedRegex(@"```\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^[A-Z_]+$")]
    private static partial Regex Placeholder();
}
