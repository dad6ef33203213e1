using System.Text.Json.Nodes;
using EtlFunction.Tests.Integration.StateMachine;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// template.yaml against the CloudFormation + SAM resource specification shipped in npm @aws-cdk/cfnspec 2.72.1
/// (specification 117.0.0, 2023; installed by scripts/state-machine.sh): a misspelt or missing property fails
/// here instead of at deploy time. The spec predates a few properties the template uses; they are listed below.
/// It is not what the real tools check: it knows nothing of SAM's Globals or of cfn-lint's value rules (engine
/// versions, Step Functions fields, stateful-resource policies); <see cref="DeployabilityTests"/> keeps what
/// samtranslator and cfn-lint caught.
/// </summary>
public class TemplateSpecTests
{
    /// <summary>Properties newer than the 2023 specification (each one checked in the SAM/CloudFormation docs).</summary>
    private static readonly HashSet<string> NewerThanSpec =
    [
        // Lambda advanced logging controls (JSON logs), SAM 1.82, November 2023.
        "AWS::Serverless::Function.LoggingConfig",
        // SAM has passed EphemeralStorage through since 2022, but the spec's SAM types never listed it.
        "AWS::Serverless::Function.EphemeralStorage",
    ];

    private static async Task<JsonObject> SpecAsync()
    {
        await NodeTools.RequireAsync();
        var path = Path.Combine(NodeTools.Modules, "@aws-cdk", "cfnspec", "spec", "specification.json");
        await using var file = File.OpenRead(path);
        return (await JsonNode.ParseAsync(file))!.AsObject();
    }

    [Test]
    public async Task Template_MatchesTheResourceSpecification()
    {
        var checker = new CfnSpecChecker(await SpecAsync(), NewerThanSpec);

        var errors = checker.Check(CfnTemplate.Load());

        Assert.That(errors, Is.Empty);
        Assert.That(checker.UsedAllowances, Is.EquivalentTo(NewerThanSpec), "an allow-list entry the template no longer needs is stale");
    }

    [Test]
    public async Task Checker_CatchesUnknownAndMissingProperties()
    {
        var checker = new CfnSpecChecker(await SpecAsync(), NewerThanSpec);
        var template = CfnTemplate.Load();
        var resources = CfnTemplate.Resources(template);
        resources["LandingBucket"]!["Properties"]!["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithmm"] = "AES256";
        resources["LoadFunction"]!["Properties"]!["MemorySizeMB"] = "1024";
        resources["EtlStateMachine"]!["Properties"]!["Events"]!["ObjectCreated"]!.AsObject().Remove("Type");
        var policies = resources["EtlStateMachine"]!["Properties"]!["Policies"]!.AsArray();
        var misspelt = policies.Count;
        policies.Add(new JsonObject { ["LambdaInvokePolicy"] = new JsonObject { ["Function"] = "x" } });
        resources["Typo"] = new JsonObject { ["Type"] = "AWS::S3::Bukket" };

        var errors = string.Join("\n", checker.Check(template));

        Assert.That(errors, Does.Contain("no property SSEAlgorithmm"));
        Assert.That(errors, Does.Contain("LoadFunction: AWS::Serverless::Function has no property MemorySizeMB"));
        Assert.That(errors, Does.Contain("ObjectCreated: required property Type"));
        Assert.That(errors, Does.Contain($"Policies[{misspelt}]: matches none of"), "a SAM policy template with a misspelt parameter");
        Assert.That(errors, Does.Contain("Typo: resource type AWS::S3::Bukket is not in the specification"));
    }
}
