using System.Text.Json.Nodes;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Integration.StateMachine;

/// <summary>
/// The definition SAM deploys passes asl-validator 4.0.0 (the Amazon States Language schema, JSONPath
/// syntax, unreachable states), and the validator really rejects a broken copy, so a pass means something.
/// </summary>
public class AslValidatorTests
{
    private static string Validator => Path.Combine(NodeTools.Modules, ".bin", "asl-validator");

    [Test]
    public async Task Definition_PassesAslValidator()
    {
        await NodeTools.RequireAsync();

        var run = await ChildProcess.RunAsync(Validator, ["--json-path", CfnTemplate.AslPath]);

        Assert.That(run.ExitCode, Is.Zero, $"asl-validator rejected statemachine/etl.asl.json:\n{run.Stdout}\n{run.Stderr}");
        Assert.That(run.Stdout, Does.Contain("is valid"));
    }

    [Test]
    public async Task BrokenCopy_IsRejected()
    {
        await NodeTools.RequireAsync();
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(CfnTemplate.AslPath))!.AsObject();
        // A state nothing leads to. (asl-validator 4.0.0 does not check ErrorPath/CausePath syntax, nor
        // JitterStrategy/MaxDelaySeconds values: TemplateConsistencyTests checks the retriers itself.)
        definition["States"]!["Orphan"] = new JsonObject { ["Type"] = "Succeed" };
        var copy = Path.Combine(Path.GetTempPath(), $"etl-asl-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(copy, definition.ToJsonString());
        try
        {
            var run = await ChildProcess.RunAsync(Validator, ["--json-path", copy]);

            Assert.That(run.ExitCode, Is.Not.Zero, run.Stdout);
            Assert.That(run.Stdout + run.Stderr, Does.Contain("State Orphan is not reachable"));
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
