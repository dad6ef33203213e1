using System.Text.Json.Nodes;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// Checks a template (long-form JSON, see <see cref="CfnTemplate"/>) against a CloudFormation resource
/// specification: every resource type exists, every property name is known (recursing into the property types
/// the spec defines, polymorphic SAM properties such as <c>Policies</c> matched against each candidate type),
/// and required properties are present (for <c>AWS::Serverless::Function</c>, SAM's <c>Globals</c> count).
/// There is no cfn-lint or sam CLI here; this is the part of their job that catches typos and omissions.
/// </summary>
internal sealed class CfnSpecChecker(JsonObject spec, IReadOnlySet<string> newerThanSpec)
{
    private static readonly HashSet<string> ResourceAttributes =
        ["Type", "Properties", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata", "CreationPolicy", "UpdatePolicy"];

    private JsonObject ResourceTypeSpecs => spec["ResourceTypes"]!.AsObject();
    private JsonObject PropertyTypeSpecs => spec["PropertyTypes"]!.AsObject();

    /// <summary>The allow-list entries the template actually needed (an unused entry is stale).</summary>
    public HashSet<string> UsedAllowances { get; } = [];

    public List<string> Check(JsonObject template)
    {
        var errors = new List<string>();
        var globals = template["Globals"]?["Function"] as JsonObject ?? [];
        if (globals.Count > 0)
        {
            // The spec knows nothing of SAM's Globals: this only catches a name no function has. A property valid on
            // a function but not in Globals (PackageType) passes here and fails the translator: DeployabilityTests.
            CheckProperties("AWS::Serverless::Function", "AWS::Serverless::Function", globals, ResourceSpec("AWS::Serverless::Function")!, "Globals.Function", errors, checkRequired: false);
        }
        foreach (var (name, node) in CfnTemplate.Resources(template))
        {
            var resource = node!.AsObject();
            var type = resource["Type"]?.GetValue<string>();
            foreach (var attribute in resource.Select(p => p.Key).Where(k => !ResourceAttributes.Contains(k))) errors.Add($"{name}: unknown resource attribute {attribute}");
            if (type is null || ResourceSpec(type) is not { } typeSpec)
            {
                errors.Add($"{name}: resource type {type} is not in the specification");
                continue;
            }
            var props = resource["Properties"] as JsonObject ?? [];
            var inherited = type == "AWS::Serverless::Function" ? globals : [];
            CheckProperties(type, type, props, typeSpec, name, errors, checkRequired: true, inherited);
        }
        return errors;
    }

    private JsonObject? ResourceSpec(string type) => ResourceTypeSpecs[type] as JsonObject;

    private void CheckProperties(string resourceType, string specName, JsonObject value, JsonObject typeSpec, string where, List<string> errors,
        bool checkRequired, JsonObject? inherited = null)
    {
        var known = typeSpec["Properties"] as JsonObject ?? [];
        foreach (var (name, child) in value)
        {
            if (known[name] is not JsonObject propertySpec)
            {
                if (newerThanSpec.Contains($"{specName}.{name}")) UsedAllowances.Add($"{specName}.{name}");
                else errors.Add($"{where}: {specName} has no property {name}");
                continue;
            }
            CheckValue(resourceType, child, propertySpec, $"{where}.{name}", errors);
        }
        if (!checkRequired) return;
        foreach (var (name, propertySpec) in known)
        {
            if (propertySpec?["Required"]?.GetValue<bool>() == true && !value.ContainsKey(name) && inherited?.ContainsKey(name) != true)
            {
                errors.Add($"{where}: required property {name} of {specName} is missing");
            }
        }
    }

    private void CheckValue(string resourceType, JsonNode? value, JsonObject propertySpec, string where, List<string> errors)
    {
        if (value is null || CfnTemplate.IsIntrinsic(value)) return;
        var type = propertySpec["Type"]?.GetValue<string>();
        var itemType = propertySpec["ItemType"]?.GetValue<string>();
        var candidates = Names(propertySpec, "Types");
        var itemCandidates = Names(propertySpec, "ItemTypes").Concat(Names(propertySpec, "InclusiveItemTypes")).Distinct().ToList();
        var primitiveAllowed = propertySpec.ContainsKey("PrimitiveType") || propertySpec.ContainsKey("PrimitiveTypes");
        var primitiveItemAllowed = propertySpec.ContainsKey("PrimitiveItemType") || propertySpec.ContainsKey("PrimitiveItemTypes") || propertySpec.ContainsKey("InclusivePrimitiveItemTypes");

        if (type is "List" or "Map" || (value is JsonArray && (itemCandidates.Count > 0 || primitiveItemAllowed)))
        {
            IEnumerable<(string Where, JsonNode? Item)> items = value switch
            {
                JsonArray a when type != "Map" => a.Select((item, i) => ($"{where}[{i}]", item)),
                JsonObject o when type == "Map" => o.Select(p => ($"{where}.{p.Key}", p.Value)),
                _ => [],
            };
            if (type == "Map" && value is not JsonObject || type == "List" && value is not JsonArray) errors.Add($"{where}: expected a {type}");
            var itemTypes = itemType is not null ? [itemType] : itemCandidates;
            foreach (var (itemWhere, item) in items) CheckOneOf(resourceType, item, itemTypes, primitiveItemAllowed, itemWhere, errors);
            return;
        }
        if (type is not null) candidates = [type];
        if (candidates.Count > 0) CheckOneOf(resourceType, value, candidates, primitiveAllowed, where, errors);
    }

    /// <summary>The value matches one of the property types (or is a primitive where one is allowed).</summary>
    private void CheckOneOf(string resourceType, JsonNode? value, IReadOnlyList<string> types, bool primitiveAllowed, string where, List<string> errors)
    {
        if (value is null || CfnTemplate.IsIntrinsic(value)) return;
        if (value is JsonValue && primitiveAllowed) return;
        var specs = types.Select(t => (Name: t, Spec: PropertyTypeSpecs[$"{resourceType}.{t}"] as JsonObject ?? PropertyTypeSpecs[t] as JsonObject)).Where(t => t.Spec is not null).ToList();
        if (specs.Count == 0 || specs.All(s => s.Spec!["Properties"] is null)) return; // Json or a type the spec does not describe
        if (value is not JsonObject o)
        {
            errors.Add($"{where}: expected {string.Join(" or ", types)}");
            return;
        }
        var attempts = new List<List<string>>();
        foreach (var (name, typeSpec) in specs)
        {
            var attempt = new List<string>();
            CheckProperties(resourceType, $"{resourceType}.{name}", o, typeSpec!, where, attempt, checkRequired: true);
            if (attempt.Count == 0) return;
            attempts.Add(attempt);
        }
        errors.AddRange(specs.Count == 1 ? attempts[0] : [$"{where}: matches none of {string.Join(", ", types)}: {string.Join("; ", attempts.SelectMany(a => a))}"]);
    }

    private static List<string> Names(JsonObject spec, string key) =>
        spec[key] is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];
}
