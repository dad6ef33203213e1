using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// The template (long-form JSON, see <see cref="CfnTemplate"/>) as CloudFormation resolves it for one set of
/// parameter values: conditions evaluated, <c>Fn::If</c> branches picked, <c>AWS::NoValue</c> dropped, and values
/// rendered as strings (<c>Ref</c>, <c>Fn::Sub</c>, <c>Fn::Join</c>, <c>Fn::GetAtt</c> of a known attribute, <c>Fn::Select</c> +
/// <c>Fn::Split</c>). Only what the template's conditions and IAM statements use; anything else throws.
/// </summary>
internal sealed partial class CfnResolver(JsonObject template, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string>? attributes = null)
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";
    public const string StackName = "etl-test";

    private static readonly Dictionary<string, string> Pseudo = new()
    {
        ["AWS::Partition"] = "aws",
        ["AWS::Region"] = Region,
        ["AWS::AccountId"] = Account,
        ["AWS::URLSuffix"] = "amazonaws.com",
        ["AWS::StackName"] = StackName,
        ["AWS::StackId"] = $"arn:aws:cloudformation:{Region}:{Account}:stack/{StackName}/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    };

    private static readonly JsonObject NoValue = new();

    public bool Condition(string name) => Evaluate(template["Conditions"]?[name] ?? throw new KeyNotFoundException($"condition {name}"));

    /// <summary>A deep copy of <paramref name="node"/> with every <c>Fn::If</c> decided and <c>AWS::NoValue</c> removed.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        var resolved = ResolveOrNoValue(node);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    /// <summary>A resolved scalar value as CloudFormation would pass it.</summary>
    public string Render(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonObject o when o["Ref"] is JsonValue r => Ref(r.GetValue<string>()),
        JsonObject o when o["Fn::GetAtt"] is JsonArray a => Attribute($"{a[0]!.GetValue<string>()}.{a[1]!.GetValue<string>()}"),
        JsonObject o when o["Fn::If"] is not null => Render(Resolve(o)),
        JsonObject o when o["Fn::Select"] is JsonArray a => List(a[1])[int.Parse(Render(a[0]), CultureInfo.InvariantCulture)],
        JsonObject o when o["Fn::Join"] is JsonArray a => string.Join(Render(a[0]), List(a[1])),
        JsonObject o when o["Fn::Sub"] is JsonValue s => Substitute(s.GetValue<string>(), []),
        JsonObject o when o["Fn::Sub"] is JsonArray a => Substitute(a[0]!.GetValue<string>(),
            a[1]!.AsObject().ToDictionary(p => p.Key, p => Render(p.Value))),
        _ => throw new NotSupportedException($"cannot render {node?.ToJsonString()}"),
    };

    private JsonNode? ResolveOrNoValue(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject { Count: 1 } o when o["Ref"] is JsonValue r && r.GetValue<string>() == "AWS::NoValue":
                return NoValue;
            case JsonObject { Count: 1 } o when o["Fn::If"] is JsonArray a:
                return ResolveOrNoValue(Condition(a[0]!.GetValue<string>()) ? a[1] : a[2]);
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    var resolved = ResolveOrNoValue(value);
                    if (!ReferenceEquals(resolved, NoValue)) copy[key] = resolved;
                }
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(ResolveOrNoValue).Where(x => !ReferenceEquals(x, NoValue)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private bool Evaluate(JsonNode node) => node switch
    {
        JsonObject o when o["Fn::Equals"] is JsonArray a => Render(a[0]) == Render(a[1]),
        JsonObject o when o["Fn::Not"] is JsonArray a => !Evaluate(a[0]!),
        JsonObject o when o["Fn::And"] is JsonArray a => a.All(x => Evaluate(x!)),
        JsonObject o when o["Fn::Or"] is JsonArray a => a.Any(x => Evaluate(x!)),
        JsonObject o when o["Condition"] is JsonValue c => Condition(c.GetValue<string>()),
        _ => throw new NotSupportedException($"cannot evaluate {node.ToJsonString()}"),
    };

    /// <summary>Evaluates a rule assertion (<c>Rules.*.Assertions[].Assert</c>): the same functions as conditions.</summary>
    public bool Assert(JsonNode assertion) => Evaluate(assertion);

    private string[] List(JsonNode? node) => node switch
    {
        JsonObject o when o["Fn::Split"] is JsonArray a => Render(a[1]).Split(Render(a[0])),
        JsonArray a => [.. a.Select(Render)],
        _ => throw new NotSupportedException($"cannot list {node?.ToJsonString()}"),
    };

    private string Ref(string name)
    {
        if (Pseudo.TryGetValue(name, out var pseudo)) return pseudo;
        if (parameters.TryGetValue(name, out var value)) return value;
        if (template["Parameters"]?[name] is JsonObject parameter) return parameter["Default"]?.GetValue<string>() ?? throw new ArgumentException($"parameter {name} has no default: give it a value");
        return Attribute(name + ".Ref");
    }

    private string Attribute(string name) =>
        attributes?.TryGetValue(name, out var value) == true ? value : throw new ArgumentException($"no value given for {name}");

    private string Substitute(string text, Dictionary<string, string> variables) =>
        SubVariable().Replace(text, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v
            : m.Groups[1].Value.Contains('.', StringComparison.Ordinal) && !m.Groups[1].Value.StartsWith("AWS::", StringComparison.Ordinal) ? Attribute(m.Groups[1].Value)
            : Ref(m.Groups[1].Value));

    [GeneratedRegex(@"\$\{([^}!]+)\}")]
    private static partial Regex SubVariable();
}
