using System.Text;
using CsCheck;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// The contract loader on mutated contracts (deleted and duplicated lines, swapped values, random keys,
/// values of the wrong type, huge numbers, broken YAML): a valid contract or <see cref="ErrorType.ContractViolation"/>, nothing else.
/// </summary>
public sealed class ContractLoaderFuzzTests
{
    private static readonly Lazy<string[][]> Contracts = new(() =>
        Directory.GetFiles(RepoPaths.Contracts, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllLines).ToArray());

    private static readonly string[] Values =
    [
        "99999999999999999999999999", "-1", "0", "1e400", "-0", "2147483648", "decimal(99,98)", "decimal(-1,2)", "decimal(12)", "decimal(,)", "int64",
        "bool", "date", "timestamp", "nope", "[", "]", "{", "{a: b}", "[1, [2, {x: y}]]", "~", "null", "true", "'", "\"", "\"\"", "&a x", "*a", "!!binary AAAA",
        "!!int x", "|", ">", "\t", "'(?<x'", "\"[\"", "\"a{99999999}\"", "[fail, ignore]", "%", "@", "`", "- x", ": :", "0x1F", ".inf", "\"\\u0000\"",
    ];

    private static readonly string[] Keys =
    [
        "dataset", "table", "columns", "name", "type", "source", "nullable", "formats", "transforms", "checks", "min", "max", "regex", "in",
        "filters", "keep", "drop", "column", "primary_key", "dedupe", "load_mode", "partition", "null_values", "delimiter", "unknown_columns",
        "true_values", "false_values", "default", "replace", "length", "max_length", "encoding", "zz_unknown", "<<", "? x",
    ];

    private static string Mutate(int file, int edits, ulong seed)
    {
        var rnd = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var lines = new List<string>(Contracts.Value[file % Contracts.Value.Length]);
        for (var i = 0; i < edits && lines.Count > 0; i++)
        {
            var at = rnd.Next(lines.Count);
            var line = lines[at];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            switch (rnd.Next(8))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[rnd.Next(lines.Count)]); break;
                case 2 when colon > 0:
                    var other = lines[rnd.Next(lines.Count)];
                    var oc = other.IndexOf(':', StringComparison.Ordinal);
                    if (oc > 0) lines[at] = line[..(colon + 1)] + other[(oc + 1)..];
                    break;
                case 3 when colon > 0: lines[at] = line[..(colon + 1)] + " " + Values[rnd.Next(Values.Length)]; break;
                case 4:
                    var indent = new string(' ', rnd.Next(0, 7));
                    lines.Insert(at, indent + (rnd.Next(2) == 0 ? "- " : "") + Keys[rnd.Next(Keys.Length)] + ": " + Values[rnd.Next(Values.Length)]);
                    break;
                case 5: lines[at] = new string(' ', rnd.Next(0, 4)) + line.TrimStart(); break;
                case 6 when line.Length > 0:
                    var p = rnd.Next(line.Length);
                    lines[at] = line[..p] + Values[rnd.Next(Values.Length)] + line[p..];
                    break;
                default: (lines[at], lines[rnd.Next(lines.Count)]) = (lines[rnd.Next(lines.Count)], lines[at]); break;
            }
        }
        return string.Join('\n', lines);
    }

    private static readonly Gen<string> Mutated = Gen.Select(Gen.Int[0, 7], Gen.Int[1, 12], Gen.ULong, Mutate);

    /// <summary>Random bytes decoded as text: not YAML at all, or barely.</summary>
    private static readonly Gen<string> Noise = Gen.Byte.Array[0, 200].Select(b => Encoding.UTF8.GetString(b));

    [Test]
    public void Parse_MutatedContracts_ValidOrContractViolation()
    {
        Fuzz.Check(Gen.Frequency((9, Mutated), (1, Noise)), ParseOrViolation, ciIterations: 3000, y => $"yaml \"{Fuzz.Escape(y)}\"");
    }

    [TestCase("a: [\nb: c\n  - ? x: y")]
    [TestCase("  - : :name: ticket")]
    public void Parse_YamlDotNetNonYamlException_IsContractViolation(string yaml)
    {
        // Found by the property above: YamlDotNet threw InvalidOperationException / ArgumentException, which escaped as internal errors.
        var e = Assert.Throws<EtlException>(() => ContractLoader.Parse(yaml, "fuzz.yaml"));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.StartWith("fuzz.yaml:1: yaml: "));
    }

    private static void ParseOrViolation(string yaml)
    {
        try
        {
            ContractLoader.Parse(yaml, "fuzz.yaml");
        }
        catch (EtlException e)
        {
            Fuzz.AssertTyped(e, ErrorType.ContractViolation);
        }
    }
}
