using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// What the real tools rejected in template.yaml and statemachine/etl.asl.json, kept as data so CI (which cannot
/// fetch them) still catches it: the SAM translator (samtranslator 1.110, <c>sam build</c>/<c>sam deploy</c>) and
/// cfn-lint 1.51.5 (<c>sam validate --lint</c>, on by default through samconfig.toml). The lists below are copied
/// from their sources; when a newer tool accepts more, update the list and name the version.
/// </summary>
public class DeployabilityTests
{
    /// <summary>
    /// samtranslator 1.110 (samtranslator/plugins/globals/globals.py, Globals.supported_properties): what
    /// Globals.Function may hold. Everything else, PackageType, ImageUri and ImageConfig included, fails the
    /// transform ("'Globals' section is invalid"), although it is valid on the function itself.
    /// </summary>
    private static readonly HashSet<string> SamGlobalsFunction =
    [
        "Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout", "VpcConfig",
        "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias", "AutoPublishAliasAllProperties",
        "Layers", "DeploymentPreference", "RolePath", "PermissionsBoundary", "ReservedConcurrentExecutions",
        "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument", "EventInvokeConfig", "FileSystemConfigs",
        "CodeSigningConfigArn", "Architectures", "SnapStart", "EphemeralStorage", "FunctionUrlConfig",
        "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop", "SourceKMSKeyArn", "TenancyConfig", "DurableConfig",
        "CapacityProviderConfig", "FunctionScalingConfig", "PublishToLatestPublished", "VersionDeletionPolicy",
    ];

    /// <summary>samtranslator 1.110: the other Globals sections and what they may hold.</summary>
    private static readonly Dictionary<string, HashSet<string>> SamGlobalsOther = new()
    {
        ["StateMachine"] = ["PropagateTags"],
        ["SimpleTable"] = ["SSESpecification"],
        ["LayerVersion"] = ["PublishLambdaVersion"],
    };

    /// <summary>
    /// Fields a terminal state may have. Succeed: cfn-lint 1.51.5's Step Functions schema
    /// (data/schemas/other/step_functions/statemachine.json, definitions.succeed: additionalProperties false) allows
    /// only these, so <c>InputPath</c>/<c>OutputPath</c>, valid ASL, fail with E3601. Fail: the ASL fields (cfn-lint's
    /// schema also allows InputPath, OutputPath, Output and Arguments, which Step Functions does not).
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> TerminalStateFields = new()
    {
        ["Succeed"] = ["Type", "Comment", "Output"],
        ["Fail"] = ["Type", "Comment", "Error", "ErrorPath", "Cause", "CausePath"],
    };

    /// <summary>
    /// cfn-lint 1.51.5 (data/schemas/extensions/aws_rds_dbinstance/engine_version.json for Engine mysql, less
    /// engine_version_deprecated.json): the MySQL 8.4 versions E3691 accepts. cfn-lint checks a literal
    /// EngineVersion but not a parameter's default, so the default is checked here.
    /// </summary>
    private static readonly string[] MySql84Versions = ["8.4.5", "8.4.6", "8.4.7", "8.4.8", "8.4.9"];

    /// <summary>
    /// cfn-lint 1.51.5 (data/AdditionalSpecs/StatefulResources.json, less S3 buckets, which are not deleted while
    /// they hold objects): resource types I3011 wants an explicit DeletionPolicy and UpdateReplacePolicy on.
    /// </summary>
    private static readonly HashSet<string> StatefulTypes =
    [
        "AWS::Backup::BackupVault", "AWS::CloudFormation::Stack", "AWS::Cognito::UserPool", "AWS::DocDB::DBCluster",
        "AWS::DocDB::DBInstance", "AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table", "AWS::EC2::Volume",
        "AWS::EFS::FileSystem", "AWS::EMR::Cluster", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
        "AWS::Elasticsearch::Domain", "AWS::FSx::FileSystem", "AWS::KMS::Key", "AWS::Kinesis::Stream", "AWS::Logs::LogGroup",
        "AWS::Neptune::DBCluster", "AWS::Neptune::DBInstance", "AWS::OpenSearchService::Domain", "AWS::Organizations::Account",
        "AWS::QLDB::Ledger", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::Redshift::Cluster", "AWS::SDB::Domain",
        "AWS::SQS::Queue", "AWS::SecretsManager::Secret",
    ];

    private static readonly JsonObject Template = CfnTemplate.Load();
    private static readonly JsonObject Resources = CfnTemplate.Resources(Template);
    private static readonly JsonObject Asl = JsonNode.Parse(File.ReadAllText(CfnTemplate.AslPath))!.AsObject();

    private static IEnumerable<(string Name, JsonObject Resource)> OfType(string type) =>
        Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!.AsObject()));

    private static JsonObject Parameter(string name) => Template["Parameters"]![name]!.AsObject();

    private static Regex AllowedPattern(string parameter) => new(Parameter(parameter)["AllowedPattern"]!.GetValue<string>());

    [Test]
    public void SamGlobals_EveryProperty_IsOneTheTranslatorSupports()
    {
        var globals = Template["Globals"]!.AsObject();

        Assert.That(globals["Function"]!.AsObject().Select(p => p.Key), Is.SubsetOf(SamGlobalsFunction));
        foreach (var (section, properties) in globals.Where(g => g.Key != "Function"))
        {
            Assert.That(SamGlobalsOther.ContainsKey(section), $"Globals.{section}: not a section samtranslator 1.110 knows here");
            Assert.That(properties!.AsObject().Select(p => p.Key), Is.SubsetOf(SamGlobalsOther[section]), $"Globals.{section}");
        }
    }

    [Test]
    public void SamGlobals_PackageType_IsNotSupported()
    {
        // The case the translator rejected: PackageType only works on each function.
        Assert.That(SamGlobalsFunction, Does.Not.Contain("PackageType").And.Not.Contain("ImageUri").And.Not.Contain("ImageConfig"));
    }

    [Test]
    public void EveryFunction_OneImage_SaysPackageTypeImageItself()
    {
        var functions = OfType("AWS::Serverless::Function").ToList();

        Assert.That(functions, Is.Not.Empty);
        foreach (var (name, function) in functions)
        {
            Assert.That(function["Properties"]!["PackageType"]?.GetValue<string>(), Is.EqualTo("Image"), name);
            Assert.That(function["Metadata"]?["Dockerfile"]?.GetValue<string>(), Is.EqualTo("Dockerfile"), $"{name}: sam build builds the image from Metadata");
        }
    }

    [Test]
    public void TerminalStates_AtAnyDepth_HaveOnlyFieldsCfnLintAndStepFunctionsAccept()
    {
        var terminal = States(Asl["States"]!.AsObject()).Where(s => TerminalStateFields.ContainsKey(s.State["Type"]!.GetValue<string>())).ToList();

        Assert.That(terminal.Select(s => s.Name), Does.Contain("Done").And.Contain("Failed"));
        foreach (var (name, state) in terminal)
        {
            Assert.That(state.Select(p => p.Key), Is.SubsetOf(TerminalStateFields[state["Type"]!.GetValue<string>()]), $"{name}: a field cfn-lint (E3601) or Step Functions rejects");
        }
    }

    [Test]
    public void Database_EngineVersion_IsAFullMySql84VersionCfnLintAccepts()
    {
        var (_, database) = OfType("AWS::RDS::DBInstance").Single();
        var properties = database["Properties"]!;
        var version = properties["EngineVersion"]!;
        var versionParameter = CfnTemplate.Target(version);
        var defaultVersion = versionParameter is null ? version.GetValue<string>() : Parameter(versionParameter)["Default"]!.GetValue<string>();
        var parameterGroup = Resources[CfnTemplate.Target(properties["DBParameterGroupName"])!]!["Properties"]!;

        Assert.That(properties["Engine"]!.GetValue<string>(), Is.EqualTo("mysql"));
        Assert.That(defaultVersion, Is.AnyOf(MySql84Versions), "a full, non-deprecated MySQL 8.4 version (8.0 left RDS standard support on 2026-07-31)");
        if (versionParameter is not null)
        {
            Assert.That(AllowedPattern(versionParameter).IsMatch(defaultVersion), "the default matches the parameter's pattern");
            Assert.That(AllowedPattern(versionParameter).IsMatch("8.0.42"), Is.False, "the parameter group is mysql8.4: only 8.4.x fits it");
            Assert.That(AllowedPattern(versionParameter).IsMatch("8.4"), Is.False, "a major version alone fails E3691");
        }
        Assert.That(parameterGroup["Family"]!.GetValue<string>(), Is.EqualTo("mysql8.4"));
        Assert.That(parameterGroup["Parameters"]!["local_infile"]!.GetValue<string>(), Is.EqualTo("1"), "the loader streams with LOAD DATA LOCAL INFILE");
    }

    [Test]
    public void EveryStatefulResource_DeletionAndUpdateReplacePolicy_AreExplicit()
    {
        var stateful = Resources.Where(r => StatefulTypes.Contains(r.Value!["Type"]!.GetValue<string>())).ToList();

        Assert.That(stateful.Select(r => r.Value!["Type"]!.GetValue<string>()), Does.Contain("AWS::Logs::LogGroup").And.Contain("AWS::RDS::DBInstance"));
        foreach (var (name, resource) in stateful)
        {
            Assert.That(resource!["DeletionPolicy"]?.GetValue<string>(), Is.AnyOf("Retain", "RetainExceptOnCreate", "Snapshot", "Delete"), $"{name}: DeletionPolicy (cfn-lint I3011)");
            Assert.That(resource["UpdateReplacePolicy"]?.GetValue<string>(), Is.AnyOf("Retain", "Snapshot", "Delete"), $"{name}: UpdateReplacePolicy (cfn-lint I3011)");
        }
    }

    [TestCase("etl")]
    [TestCase("Etl_2026")]
    [TestCase("e")]
    public void DatabaseName_BeginsWithALetter_IsAccepted(string name)
    {
        Assert.That(AllowedPattern("DatabaseName").IsMatch(name), Is.True);
        Assert.That(AllowedPattern("DatabaseName").IsMatch(Parameter("DatabaseName")["Default"]!.GetValue<string>()), Is.True, "the default");
    }

    [TestCase("_etl")]
    [TestCase("1etl")]
    [TestCase("")]
    [TestCase("etl-db")]
    public void DatabaseName_NotALetterFirst_IsRejected(string name)
    {
        // RDS for MySQL DBName: begins with a letter, then letters, digits or underscores, at most 64 in all.
        Assert.That(AllowedPattern("DatabaseName").IsMatch(name), Is.False);
    }

    [Test]
    public void DatabaseName_Over64Characters_IsRejected()
    {
        Assert.That(AllowedPattern("DatabaseName").IsMatch(new string('e', 64)), Is.True);
        Assert.That(AllowedPattern("DatabaseName").IsMatch(new string('e', 65)), Is.False);
    }

    [Test]
    public void StateMachineName_AnyStackName_IsUnsetOrAFixedNameOfAtMost80Characters()
    {
        // A name built from the stack name (up to 128 characters) can pass Step Functions' 80-character limit.
        foreach (var (name, machine) in OfType("AWS::Serverless::StateMachine").Concat(OfType("AWS::StepFunctions::StateMachine")))
        {
            var fixedName = machine["Properties"]!["Name"] ?? machine["Properties"]!["StateMachineName"];
            if (fixedName is null) continue;
            Assert.That(fixedName, Is.InstanceOf<JsonValue>(), $"{name}: a name computed from parameters or the stack name has no length bound");
            Assert.That(fixedName.GetValue<string>(), Has.Length.InRange(1, 80), name);
        }
    }

    /// <summary>Every state, Parallel branches and Map item processors included.</summary>
    private static IEnumerable<(string Name, JsonObject State)> States(JsonObject states) =>
        states.SelectMany(s => new[] { (s.Key, s.Value!.AsObject()) }
            .Concat((s.Value["Branches"] as JsonArray ?? []).SelectMany(b => States(b!["States"]!.AsObject())))
            .Concat((s.Value["ItemProcessor"] ?? s.Value["Iterator"])?["States"] is JsonObject inner ? States(inner) : []));
}
