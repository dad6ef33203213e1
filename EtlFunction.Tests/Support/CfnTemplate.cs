using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace EtlFunction.Tests.Support;

/// <summary>
/// template.yaml as CloudFormation reads it: the short intrinsic tags (<c>!Ref</c>, <c>!GetAtt</c>, <c>!Sub</c>,
/// <c>!If</c>, ...) become their long forms (<c>{"Ref": ..}</c>, <c>{"Fn::GetAtt": [resource, attribute]}</c>, ...),
/// so the template tests can walk plain JSON. Scalars stay strings: the tests compare names, not values.
/// </summary>
internal static class CfnTemplate
{
    public static string TemplatePath => Path.Combine(RepoPaths.Root, "template.yaml");
    public static string AslPath => Path.Combine(RepoPaths.Root, "statemachine", "etl.asl.json");

    public static JsonObject Load(string? path = null)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path ?? TemplatePath)) stream.Load(reader);
        return (JsonObject)Convert(stream.Documents.Single().RootNode)!;
    }

    public static JsonObject Resources(JsonObject template) => template["Resources"]!.AsObject();

    /// <summary>The resource a <c>!Ref X</c> or <c>!GetAtt X.Attr</c> names, else null.</summary>
    public static string? Target(JsonNode? value) => value switch
    {
        JsonObject o when o["Ref"] is JsonValue r => r.GetValue<string>(),
        JsonObject o when o["Fn::GetAtt"] is JsonArray a => a[0]!.GetValue<string>(),
        _ => null,
    };

    /// <summary>
    /// Both branches of an <c>Fn::If</c> (recursively; <c>AWS::NoValue</c> dropped), else the node itself: a check that
    /// must hold whatever the parameters walks every value a property can take.
    /// </summary>
    public static IEnumerable<JsonNode?> Branches(JsonNode? node) => node switch
    {
        JsonObject { Count: 1 } o when o["Fn::If"] is JsonArray a => Branches(a[1]).Concat(Branches(a[2])),
        JsonObject { Count: 1 } o when o["Ref"] is JsonValue r && r.GetValue<string>() == "AWS::NoValue" => [],
        _ => [node],
    };

    /// <summary>True for <c>{"Ref": ..}</c>, <c>{"Fn::...": ..}</c> or <c>{"Condition": ..}</c>: a value CloudFormation computes.</summary>
    public static bool IsIntrinsic(JsonNode? node) =>
        node is JsonObject { Count: 1 } o && o.Single().Key is "Ref" or "Condition" || node is JsonObject { Count: 1 } f && f.Single().Key.StartsWith("Fn::", StringComparison.Ordinal);

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlScalarNode s => s.Value is null ? null : JsonValue.Create(s.Value),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlMappingNode map => ToObject(map),
            _ => throw new NotSupportedException(node.GetType().Name),
        };
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        if (tag is null || !tag.StartsWith('!') || tag.StartsWith("!!", StringComparison.Ordinal)) return value;
        var name = tag[1..];
        return name switch
        {
            "Ref" or "Condition" => new JsonObject { [name] = value },
            "GetAtt" when value is JsonValue v && v.GetValue<string>() is var s => new JsonObject
            {
                ["Fn::GetAtt"] = new JsonArray(JsonValue.Create(s[..s.IndexOf('.', StringComparison.Ordinal)]), JsonValue.Create(s[(s.IndexOf('.', StringComparison.Ordinal) + 1)..])),
            },
            _ => new JsonObject { ["Fn::" + name] = value },
        };
    }

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.Children) o[((YamlScalarNode)k).Value!] = Convert(v);
        return o;
    }
}
