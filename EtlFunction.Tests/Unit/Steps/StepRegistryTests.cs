using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Steps;
using YamlDotNet.RepresentationModel;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>
/// The registry is the one list of handlers: every place outside the code that names handlers — the
/// README's <c>invoke</c> usage, <c>events/</c>, the functions of <c>template.yaml</c> and the functions the
/// ASL invokes — names exactly the registry's, so adding a step without deploying it (or the reverse) fails here.
/// </summary>
public partial class StepRegistryTests
{
    private static readonly string[] Handlers = [.. StepRegistry.Names];

    [Test]
    public void Names_AreUniqueLowerCaseAndFindable()
    {
        Assert.That(Handlers, Is.Unique);
        Assert.That(Handlers, Has.All.Matches(@"^[a-z]+$"));
        foreach (var name in Handlers)
        {
            Assert.That(StepRegistry.Find(name)?.Name, Is.EqualTo(name));
            Assert.That(StepRegistry.Find(" " + name.ToUpperInvariant() + " ")?.Name, Is.EqualTo(name));
        }
        Assert.That(StepRegistry.Find("transform"), Is.Null);
        Assert.That(StepRegistry.Find(null), Is.Null);
    }

    [Test]
    public void Events_HaveOneSampleInputPerHandler()
    {
        var samples = Directory.GetFiles(Path.Combine(RepoPaths.Root, "events"), "*.json").Select(Path.GetFileNameWithoutExtension);
        Assert.That(samples, Is.EquivalentTo(Handlers));
    }

    [Test]
    public void Readme_InvokeUsage_ListsExactlyTheHandlers_AndItsEventFilesAreHandlers()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var usage = InvokeUsage().Match(readme);
        Assert.That(usage.Success, Is.True, "the README documents `invoke a|b|...`");
        Assert.That(usage.Groups[1].Value.Split('|'), Is.EqualTo(Handlers));

        var mentioned = EventFile().Matches(readme).Select(m => m.Groups[1].Value).Where(n => n != "<step>").ToHashSet();
        Assert.That(mentioned, Is.Not.Empty);
        Assert.That(mentioned, Is.SubsetOf(Handlers));
    }

    [Test]
    public void Template_DeploysOneFunctionPerHandler()
    {
        var commands = Functions().Values.ToList();
        Assert.That(commands, Is.Unique);
        Assert.That(commands, Is.EquivalentTo(Handlers));
    }

    [Test]
    public void StateMachine_InvokesExactlyTheHandlersFunctions()
    {
        var functions = Functions();
        var template = Template();
        var substitutions = Resources(template).Values.OfType<YamlMappingNode>()
            .Where(r => Scalar(r, "Type") == "AWS::Serverless::StateMachine")
            .Select(r => Child(Child(r, "Properties"), "DefinitionSubstitutions") as YamlMappingNode)
            .Single()!;
        var asl = File.ReadAllText(Path.Combine(RepoPaths.Root, "statemachine", "etl.asl.json"));
        Assert.That(JsonNode.Parse(asl), Is.Not.Null);

        var invoked = Placeholder().Matches(asl).Select(m => m.Groups[1].Value).Distinct().Select(p =>
        {
            var target = Child(substitutions, p) ?? throw new AssertionException($"${{{p}}} has no DefinitionSubstitution");
            // !GetAtt PlanFunction.Arn: the resource is the part before the dot.
            var resource = ((YamlScalarNode)target).Value!.Split('.')[0];
            return functions.TryGetValue(resource, out var handler) ? handler : throw new AssertionException($"${{{p}}} → {resource}, not a function");
        }).ToList();

        Assert.That(invoked, Is.EquivalentTo(Handlers));
    }

    /// <summary>Each <c>AWS::Serverless::Function</c> of template.yaml → its <c>ImageConfig.Command</c> (wherever PackageType is declared).</summary>
    private static Dictionary<string, string> Functions() =>
        Resources(Template())
            .Where(r => r.Value is YamlMappingNode m && Scalar(m, "Type") == "AWS::Serverless::Function")
            .ToDictionary(
                r => ((YamlScalarNode)r.Key).Value!,
                r => Child(Child(Child(r.Value, "Properties"), "ImageConfig"), "Command") is YamlSequenceNode { Children.Count: 1 } c
                    ? ((YamlScalarNode)c.Children[0]).Value!
                    : throw new AssertionException($"{((YamlScalarNode)r.Key).Value}: ImageConfig.Command is not one handler name"));

    private static YamlMappingNode Template()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, "template.yaml"))) stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static IDictionary<YamlNode, YamlNode> Resources(YamlMappingNode template) => ((YamlMappingNode)Child(template, "Resources")!).Children;

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    [GeneratedRegex(@"\binvoke ((?:[a-z]+\|)+[a-z]+)")]
    private static partial Regex InvokeUsage();

    [GeneratedRegex(@"events/(<step>|[a-z]+)\.json")]
    private static partial Regex EventFile();

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+FunctionArn)\}")]
    private static partial Regex Placeholder();
}
