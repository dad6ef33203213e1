using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// One CloudWatch metric a template alarm or dashboard widget reads: its namespace and name, the dimension set a
/// <c>SCHEMA(...)</c> or <c>SEARCH('{...}')</c> names (null for a plain metric), and the dimensions it filters or
/// groups on (value null when only grouped on).
/// </summary>
internal sealed record MetricReference(string Where, string Namespace, string Metric, IReadOnlyList<string>? Schema, IReadOnlyDictionary<string, string?> Dimensions);

/// <summary>
/// Reads the metrics out of the three forms template.yaml uses: Metrics Insights queries
/// (<c>SELECT MAX(m) FROM SCHEMA(ns, d1, d2) WHERE d = 'v' GROUP BY d</c>), search expressions
/// (<c>SEARCH('{ns,d1,d2} MetricName="m" d="v"', 'Sum', 300)</c>) and a dashboard's metric arrays
/// (<c>["ns", "m", "d", "v", {...}]</c>). Any other expression throws, so nothing is skipped unseen.
/// </summary>
internal static partial class MetricReferences
{
    /// <summary>Every metric an <c>AWS::CloudWatch::Alarm</c>'s properties read.</summary>
    public static IEnumerable<MetricReference> OfAlarm(string name, JsonObject properties)
    {
        if (properties["MetricName"] is JsonValue metric)
        {
            yield return new MetricReference(name, properties["Namespace"]!.GetValue<string>(), metric.GetValue<string>(), null,
                (properties["Dimensions"] as JsonArray ?? []).ToDictionary(d => d!["Name"]!.GetValue<string>(), d => (string?)d!["Value"]?.ToJsonString()));
        }
        foreach (var query in properties["Metrics"] as JsonArray ?? [])
        {
            if (query!["Expression"] is JsonValue expression) yield return Parse($"{name} {query["Id"]}", expression.GetValue<string>());
            else if (query["MetricStat"]?["Metric"] is JsonObject m)
            {
                yield return new MetricReference($"{name} {query["Id"]}", m["Namespace"]!.GetValue<string>(), m["MetricName"]!.GetValue<string>(), null,
                    (m["Dimensions"] as JsonArray ?? []).ToDictionary(d => d!["Name"]!.GetValue<string>(), d => (string?)d!["Value"]?.ToJsonString()));
            }
        }
    }

    /// <summary>Every metric the widgets of a dashboard body (the JSON CloudFormation passes) read.</summary>
    public static IEnumerable<MetricReference> OfDashboard(JsonObject body)
    {
        foreach (var widget in body["widgets"]!.AsArray())
        {
            var title = widget!["properties"]?["title"]?.GetValue<string>() ?? "(untitled)";
            foreach (var row in widget["properties"]?["metrics"] as JsonArray ?? [])
            {
                var items = row!.AsArray();
                if (items[0] is JsonObject { } o && o["expression"] is JsonValue expression)
                {
                    yield return Parse(title, expression.GetValue<string>());
                    continue;
                }
                var strings = items.OfType<JsonValue>().Select(v => v.GetValue<string>()).ToList();
                if (strings.Count < 2 || strings.Count % 2 != 0) throw new NotSupportedException($"{title}: metric row {row.ToJsonString()}");
                var dimensions = new Dictionary<string, string?>();
                for (var i = 2; i < strings.Count; i += 2) dimensions[strings[i]] = strings[i + 1];
                yield return new MetricReference(title, strings[0], strings[1], null, dimensions);
            }
        }
    }

    /// <summary>A Metrics Insights query or a SEARCH expression.</summary>
    public static MetricReference Parse(string where, string expression)
    {
        if (Select().Match(expression) is { Success: true } s)
        {
            var schema = s.Groups["schema"].Value.Split(',', StringSplitOptions.TrimEntries);
            var dimensions = new Dictionary<string, string?>();
            foreach (Match f in Filter().Matches(s.Groups["where"].Value)) dimensions[Unquote(f.Groups[1].Value)] = f.Groups[2].Value;
            foreach (var g in s.Groups["group"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                dimensions.TryAdd(Unquote(g), null);
            }
            return new MetricReference(where, Unquote(schema[0]), Unquote(s.Groups["metric"].Value), [.. schema.Skip(1).Select(Unquote)], dimensions);
        }
        if (Search().Match(expression) is { Success: true } q)
        {
            var schema = q.Groups["schema"].Value.Split(',', StringSplitOptions.TrimEntries);
            var terms = SearchTerm().Matches(q.Groups["terms"].Value).ToDictionary(t => t.Groups[1].Value, t => (string?)t.Groups[2].Value);
            if (!terms.Remove("MetricName", out var metric) || metric is null) throw new NotSupportedException($"{where}: no MetricName in {expression}");
            return new MetricReference(where, Unquote(schema[0]), metric, [.. schema.Skip(1).Select(Unquote)], terms);
        }
        throw new NotSupportedException($"{where}: neither a Metrics Insights query nor a SEARCH expression: {expression}");
    }

    private static string Unquote(string name) => name.Trim().Trim('"');

    [GeneratedRegex("""^\s*SELECT\s+\w+\((?<metric>[^)]+)\)\s+FROM\s+SCHEMA\((?<schema>[^)]+)\)(?:\s+WHERE\s+(?<where>.+?))?(?:\s+GROUP\s+BY\s+(?<group>.+?))?(?:\s+ORDER\s+BY\s+.+?)?(?:\s+LIMIT\s+\d+)?\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex Select();

    [GeneratedRegex("""("?\w+"?)\s*=\s*'([^']*)'""")]
    private static partial Regex Filter();

    [GeneratedRegex("""^\s*SEARCH\(\s*'\{(?<schema>[^}]+)\}(?<terms>[^']*)'\s*,\s*'\w+'\s*,\s*\d+\s*\)\s*$""")]
    private static partial Regex Search();

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex SearchTerm();
}
