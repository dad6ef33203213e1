using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Cli;
using EtlFunction.Steps;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// template.yaml, statemachine/etl.asl.json and the binary agree with each other: what the definition
/// references is substituted, what it invokes it may invoke, each function runs a handler the binary has,
/// and each function may touch exactly the buckets and prefixes its step uses (nothing less: AccessDenied in
/// production; nothing more: least privilege). None of this is visible to asl-validator or the spec check.
/// </summary>
public partial class TemplateConsistencyTests
{
    private enum Access { Read, Write }

    /// <summary>What each step does to S3 (s3:GetObject = Read, s3:PutObject = Write), as the step code does it.</summary>
    private static readonly (string Handler, Access Access, string Bucket, string Keys)[] BucketAccess =
    [
        ("plan", Access.Read, "LandingBucket", "*"),                   // size, then one pass for the record boundaries
        ("plan", Access.Read, "ArchiveBucket", "_manifests/*"),        // an earlier run's archive day
        ("plan", Access.Write, "ProcessedBucket", "*"),                // the run's contract copy
        ("plan", Access.Read, "ContractsBucket", "_contracts/*"),      // the contract store
        ("piece", Access.Read, "LandingBucket", "*"),                  // ranged GETs of the planned version
        ("piece", Access.Read, "ProcessedBucket", "*"),                // the run's contract
        ("piece", Access.Write, "ProcessedBucket", "*"),               // part, rejects, key log, counts
        ("merge", Access.Read, "ProcessedBucket", "*"),                // counts, key logs, rejects of every piece
        ("merge", Access.Write, "ProcessedBucket", "*"),               // drops, rejects, part list
        ("preprocess", Access.Read, "LandingBucket", "*"),             // the source object
        ("preprocess", Access.Read, "ArchiveBucket", "_manifests/*"),  // an earlier run's manifest (already done?)
        ("preprocess", Access.Write, "ProcessedBucket", "*"),          // processed part, rejects, contract copy
        ("preprocess", Access.Read, "ContractsBucket", "_contracts/*"), // the contract store
        ("load", Access.Read, "ProcessedBucket", "*"),                 // the processed part
        ("archive", Access.Read, "ProcessedBucket", "*"),
        ("archive", Access.Write, "ArchiveBucket", "*"),               // Parquet under <dataset>/dt=.../
        ("archive", Access.Write, "ProcessedBucket", "*/pieces/*"),    // a split run's part: the list of its Parquet files
        ("finalize", Access.Read, "ProcessedBucket", "*/pieces/*"),    // ...which finalize collects
        ("finalize", Access.Write, "ArchiveBucket", "_manifests/*"),   // the run manifest
        ("quarantine", Access.Read, "LandingBucket", "*"),             // head + copy source
        ("quarantine", Access.Write, "ProcessedBucket", "_failed/*"),  // the copy and error.json
    ];

    private static readonly JsonObject Template = CfnTemplate.Load();
    private static readonly JsonObject Resources = CfnTemplate.Resources(Template);
    private static readonly string AslText = File.ReadAllText(CfnTemplate.AslPath);
    private static readonly JsonObject Asl = JsonNode.Parse(AslText)!.AsObject();

    private static JsonObject Machine => Resources.Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Serverless::StateMachine"
        && r.Value["Properties"]!["DefinitionUri"]!.GetValue<string>() == "statemachine/etl.asl.json").Value!["Properties"]!.AsObject();

    private static IEnumerable<(string Name, JsonObject Function)> Functions =>
        Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Serverless::Function").Select(r => (r.Key, r.Value!["Properties"]!.AsObject()));

    private static string HandlerOf(JsonObject function) => function["ImageConfig"]!["Command"]!.AsArray().Single()!.GetValue<string>();

    /// <summary>Task states anywhere in the definition (Parallel branches and Map item processors included) with the placeholder they invoke.</summary>
    private static IEnumerable<(string State, JsonObject Task)> Tasks(JsonObject states) =>
        states.SelectMany(s => s.Value!["Type"]!.GetValue<string>() == "Task"
            ? [(s.Key, s.Value.AsObject())]
            : (s.Value["Branches"] as JsonArray ?? []).Select(b => b!["States"]!.AsObject())
                .Concat(s.Value["ItemProcessor"]?["States"] is JsonObject inner ? [inner] : [])
                .SelectMany(Tasks));

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Placeholder();

    [Test]
    public void Placeholders_AndDefinitionSubstitutions_MatchBothWays()
    {
        var used = Placeholder().Matches(AslText).Select(m => m.Groups[1].Value).ToHashSet();
        var substituted = Machine["DefinitionSubstitutions"]!.AsObject().Select(p => p.Key).ToHashSet();

        Assert.That(used, Is.Not.Empty);
        Assert.That(used, Is.EquivalentTo(substituted));
    }

    [Test]
    public void EveryImageCommand_IsAHandlerTheBinaryHas_AndEveryHandlerIsDeployed()
    {
        var handlers = Functions.Select(f => HandlerOf(f.Function)).ToList();

        Assert.That(handlers, Is.Unique);
        Assert.That(handlers, Is.SubsetOf(InvokeCommand.Steps));
        Assert.That(InvokeCommand.Steps, Is.SubsetOf(handlers));
    }

    [Test]
    public void EveryInvokedFunction_IsInTheLambdaInvokePolicies_AndNoOtherIs()
    {
        var substitutions = Machine["DefinitionSubstitutions"]!.AsObject();
        var invoked = Tasks(Asl["States"]!.AsObject()).Select(t =>
        {
            var placeholder = Placeholder().Match(t.Task["Parameters"]!["FunctionName"]!.GetValue<string>()).Groups[1].Value;
            return CfnTemplate.Target(substitutions[placeholder]) ?? throw new AssertionException($"{t.State}: {placeholder} is not a !GetAtt of a resource");
        }).ToHashSet();
        var allowed = Machine["Policies"]!.AsArray().Select(p => p!["LambdaInvokePolicy"]?["FunctionName"]).Where(f => f is not null).Select(CfnTemplate.Target).ToHashSet();

        Assert.That(invoked, Is.EquivalentTo(Functions.Select(f => f.Name)), "every function is a step of the state machine");
        Assert.That(allowed, Is.EquivalentTo(invoked));
    }

    [Test]
    public void EveryFunction_MayTouchExactlyTheBucketsItsStepUses()
    {
        foreach (var (name, function) in Functions)
        {
            var handler = HandlerOf(function);
            var expected = BucketAccess.Where(a => a.Handler == handler).Select(a => $"{a.Access} {a.Bucket}/{a.Keys}").ToList();
            var actual = new List<string>();
            foreach (var policy in function["Policies"]?.AsArray() ?? [])
            {
                // An Fn::If statement (the loader's credentials) counts with both of its branches.
                foreach (var statement in (policy!["Statement"]?.AsArray() ?? []).SelectMany(CfnTemplate.Branches))
                {
                    if (statement!["Effect"]!.GetValue<string>() != "Allow") continue;
                    var actions = AsList(statement["Action"]).Select(a => a!.GetValue<string>()).ToList();
                    foreach (var resource in AsList(statement["Resource"]).Select(ObjectArn).Where(r => r is not null))
                    {
                        if (actions.Contains("s3:GetObject")) actual.Add($"{Access.Read} {resource}");
                        if (actions.Contains("s3:PutObject")) actual.Add($"{Access.Write} {resource}");
                    }
                }
            }
            Assert.That(actual, Is.EquivalentTo(expected), $"{name} ({handler}): S3 object permissions");
        }
    }

    [Test]
    public void EveryFunction_GetsTheThreeBucketNames()
    {
        var variables = Template["Globals"]!["Function"]!["Environment"]!["Variables"]!.AsObject();

        Assert.That(CfnTemplate.Target(variables["ETL_LANDING_BUCKET"]), Is.EqualTo("LandingBucket"));
        Assert.That(CfnTemplate.Target(variables["ETL_PROCESSED_BUCKET"]), Is.EqualTo("ProcessedBucket"));
        Assert.That(CfnTemplate.Target(variables["ETL_ARCHIVE_BUCKET"]), Is.EqualTo("ArchiveBucket"));
    }

    [Test]
    public void ContractStore_IsTheVersionedContractsBucket_InEveryFunctionAndTheOutputs()
    {
        const string store = "s3://${ContractsBucket}/_contracts/";
        Assert.That(Template["Globals"]!["Function"]!["Environment"]!["Variables"]!["ETL_CONTRACT_STORE"]!["Fn::Sub"]!.GetValue<string>(), Is.EqualTo(store));
        Assert.That(Template["Outputs"]!["ContractStore"]!["Value"]!["Fn::Sub"]!.GetValue<string>(), Is.EqualTo(store));
        var bucket = Template["Resources"]!["ContractsBucket"]!["Properties"]!;
        Assert.That(bucket["VersioningConfiguration"]!["Status"]!.GetValue<string>(), Is.EqualTo("Enabled"));
    }

    /// <summary>
    /// The load's rate estimate (LoadTooLarge before a load that cannot finish in the invocation) is a deployment
    /// setting: the load function reads it from a parameter whose default is the binary's own default rate.
    /// </summary>
    [Test]
    public void LoadFunction_GetsTheLoadRate_FromAParameterThatDefaultsToTheBinarysRate()
    {
        var variables = Resources["LoadFunction"]!["Properties"]!["Environment"]!["Variables"]!.AsObject();
        var parameter = CfnTemplate.Target(variables[LoadBudget.Variable])!;
        var @default = Template["Parameters"]![parameter]!["Default"]!.GetValue<string>();

        var budget = LoadBudget.FromEnvironment(name => name == LoadBudget.Variable ? @default : null);

        Assert.That(budget, Is.EqualTo(LoadBudget.Default));
        Assert.That(int.Parse(Template["Parameters"]![parameter]!["MinValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0), "the binary refuses a rate of 0");
    }

    /// <summary>asl-validator 4.0.0 does not look at retrier values; the retry design is checked here.</summary>
    [Test]
    public void EveryTask_RetriesLambdaErrorsAndTransientErrors_WithCappedJitteredBackoff()
    {
        foreach (var (state, task) in Tasks(Asl["States"]!.AsObject()))
        {
            var retriers = task["Retry"]!.AsArray().Select(r => r!.AsObject()).ToList();
            var errors = retriers.SelectMany(r => r["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>())).ToList();
            Assert.That(errors, Is.SupersetOf(new[] { "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "TransientError" }), state);
            Assert.That(errors, Does.Not.Contain("States.ALL"), $"{state}: a contract violation must not be retried");
            foreach (var r in retriers)
            {
                Assert.That(r["IntervalSeconds"]!.GetValue<int>(), Is.Positive, state);
                Assert.That(r["MaxAttempts"]!.GetValue<int>(), Is.InRange(1, 10), state);
                Assert.That(r["BackoffRate"]!.GetValue<double>(), Is.GreaterThan(1), state);
                Assert.That(r["JitterStrategy"]?.GetValue<string>(), Is.EqualTo("FULL"), state);
            }
            var transient = retriers.Single(r => r["ErrorEquals"]!.AsArray().Any(e => e!.GetValue<string>() == "TransientError"));
            Assert.That(transient["MaxDelaySeconds"]?.GetValue<int>(), Is.InRange(1, 900), $"{state}: the TransientError backoff is capped");
        }
    }

    /// <summary>
    /// A Lambda whose process dies mid-call (killed, out of memory) fails with <c>Runtime.ExitError</c>. Without a
    /// Retrier for it the Catch quarantines a good file (the fault campaign's SIGKILL mid-Archive did exactly that);
    /// a few attempts only, because a function that dies every time (a crash on this input) must still end in
    /// quarantine, not loop.
    /// </summary>
    [Test]
    public void EveryTask_RetriesARuntimeExit_AFewTimesOnly()
    {
        foreach (var (state, task) in Tasks(Asl["States"]!.AsObject()))
        {
            var exit = task["Retry"]!.AsArray().Select(r => r!.AsObject())
                .Where(r => r["ErrorEquals"]!.AsArray().Any(e => e!.GetValue<string>() == "Runtime.ExitError")).ToList();
            Assert.That(exit, Has.Count.EqualTo(1), $"{state}: one Retrier matches Runtime.ExitError");
            Assert.That(exit[0]["ErrorEquals"]!.AsArray(), Has.Count.EqualTo(1), $"{state}: Runtime.ExitError has its own Retrier");
            Assert.That(exit[0]["MaxAttempts"]!.GetValue<int>(), Is.InRange(1, 2), state);
        }
    }

    [Test]
    public void EveryTopLevelStep_IsCaughtIntoQuarantine_WhichEndsInFailWithTheCaughtError()
    {
        var states = Asl["States"]!.AsObject();
        foreach (var state in new[] { "Plan", "Preprocess", "CleanPieces", "Merge", "LoadAndArchive", "LoadAndArchiveParts", "Finalize" })
        {
            var caught = states[state]!["Catch"]!.AsArray().Single()!;
            Assert.That(caught["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()), Is.EqualTo(new[] { "States.ALL" }), state);
            Assert.That(caught["ResultPath"]!.GetValue<string>(), Is.EqualTo("$.error"), state);
            var pass = states[caught["Next"]!.GetValue<string>()]!;
            Assert.That(pass["Type"]!.GetValue<string>(), Is.EqualTo("Pass"));
            Assert.That(pass["Result"]!.GetValue<string>(), Is.EqualTo(state), "the failed state's name, for error.json");
            Assert.That(pass["Next"]!.GetValue<string>(), Is.EqualTo("Quarantine"));
        }
        Assert.That(states["Quarantine"]!["Next"]!.GetValue<string>(), Is.EqualTo("Failed"));
        Assert.That(states["Failed"]!["Type"]!.GetValue<string>(), Is.EqualTo("Fail"));
        Assert.That(states["Failed"]!["ErrorPath"]!.GetValue<string>(), Is.EqualTo("$.error.Error"));
        Assert.That(states["Failed"]!["CausePath"]!.GetValue<string>(), Is.EqualTo("$.error.Cause"));
    }

    private static List<JsonNode?> AsList(JsonNode? node) => node is JsonArray a ? [.. a] : [node];

    /// <summary><c>!Sub "${Bucket.Arn}/prefix"</c> as <c>Bucket/prefix</c>; bucket ARNs and other resources as null.</summary>
    private static string? ObjectArn(JsonNode? resource)
    {
        if (resource is not JsonObject o || o["Fn::Sub"] is not JsonValue sub) return null;
        var m = Regex.Match(sub.GetValue<string>(), @"^\$\{([A-Za-z0-9]+)\.Arn\}/(.+)$");
        return m.Success ? $"{m.Groups[1].Value}/{m.Groups[2].Value}" : null;
    }
}
