using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Lambda;
using EtlFunction.Steps;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// The alerts of template.yaml: failed runs reach the topic with a readable message, the alarms act on the topic,
/// both publishers may use the topic and its key, and every metric the alarms and the dashboard read is one the
/// code emits (<see cref="Metric.Names"/>, <see cref="Metric.Dimensions"/>, <see cref="EmbeddedMetrics.DefaultNamespace"/>):
/// CloudWatch accepts a graph or an alarm on a metric nobody emits and shows nothing, so only this test notices.
/// </summary>
public partial class AlertsTests
{
    private static readonly JsonObject Template = CfnTemplate.Load();
    private static readonly JsonObject Resources = CfnTemplate.Resources(Template);

    private const string MachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:EtlStateMachine-abc";

    private static readonly Dictionary<string, string> Attributes = new()
    {
        ["EtlStateMachine.Ref"] = MachineArn,
        ["ProcessedBucket.Ref"] = "etl-processed",
        ["ArchiveBucket.Ref"] = "etl-archive",
        ["FailedRunsAlarm.Arn"] = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:failed",
        ["RejectedPercentAlarm.Arn"] = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:rejected",
        ["PlanFunction.Ref"] = "plan-fn",
        ["PieceFunction.Ref"] = "piece-fn",
        ["MergeFunction.Ref"] = "merge-fn",
        ["PreprocessFunction.Ref"] = "preprocess-fn",
        ["LoadFunction.Ref"] = "load-fn",
        ["ArchiveFunction.Ref"] = "archive-fn",
        ["FinalizeFunction.Ref"] = "finalize-fn",
        ["QuarantineFunction.Ref"] = "quarantine-fn",
    };

    private static JsonObject Properties(string resource) => Resources[resource]!["Properties"]!.AsObject();

    private static IEnumerable<(string Name, JsonObject Properties)> OfType(string type) =>
        Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!["Properties"]!.AsObject()));

    private static JsonObject DashboardBody()
    {
        var resolver = new CfnResolver(Template, new Dictionary<string, string>(), Attributes);
        var dashboard = OfType("AWS::CloudWatch::Dashboard").Single().Properties;
        return JsonNode.Parse(resolver.Render(dashboard["DashboardBody"]))!.AsObject();
    }

    private static List<MetricReference> AllReferences() =>
    [
        .. OfType("AWS::CloudWatch::Alarm").SelectMany(a => MetricReferences.OfAlarm(a.Name, a.Properties)),
        .. MetricReferences.OfDashboard(DashboardBody()),
    ];

    private static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [node!.GetValue<string>()];

    [Test]
    public void FailedRunsRule_MatchesOurStateMachinesFailedTimedOutAndAbortedExecutions()
    {
        var pattern = Properties("FailedRunsRule")["EventPattern"]!;

        Assert.That(Strings(pattern["source"]), Is.EqualTo(new[] { "aws.states" }));
        Assert.That(Strings(pattern["detail-type"]), Is.EqualTo(new[] { "Step Functions Execution Status Change" }));
        Assert.That(Strings(pattern["detail"]!["status"]), Is.EquivalentTo(new[] { "FAILED", "TIMED_OUT", "ABORTED" }));
        var machines = pattern["detail"]!["stateMachineArn"]!.AsArray();
        Assert.That(machines.Select(CfnTemplate.Target), Is.EqualTo(new[] { "EtlStateMachine" }));
        Assert.That(machines[0]!["Ref"], Is.Not.Null, "Ref of a state machine is its ARN");
    }

    [Test]
    public void FailedRunsRule_TargetsTheTopicOnly()
    {
        var targets = Properties("FailedRunsRule")["Targets"]!.AsArray();

        Assert.That(targets, Has.Count.EqualTo(1));
        Assert.That(targets[0]!["Arn"]!["Ref"]?.GetValue<string>(), Is.EqualTo("AlertsTopic"));
    }

    [Test]
    public void FailedRunsRule_Message_HasErrorCauseSourceAndConsoleLink()
    {
        var transformer = Properties("FailedRunsRule")["Targets"]![0]!["InputTransformer"]!;
        var paths = transformer["InputPathsMap"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var message = new CfnResolver(Template, new Dictionary<string, string> { ["LandingPrefix"] = "in/" }, Attributes).Render(transformer["InputTemplate"]);
        var used = Variable().Matches(message).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.That(paths, Does.ContainKey("error").WithValue("$.detail.error"));
        Assert.That(paths, Does.ContainKey("cause").WithValue("$.detail.cause"));
        Assert.That(paths, Does.ContainKey("input").WithValue("$.detail.input"), "the S3 event: bucket, object key, hence the dataset");
        Assert.That(paths, Does.ContainKey("execution").WithValue("$.detail.executionArn"));
        Assert.That(used, Is.EquivalentTo(paths.Keys), "every variable used is defined and every one defined is used");
        Assert.That(message, Does.Contain("https://<region>.console.aws.amazon.com/states/home?region=<region>#/v2/executions/details/<execution>"));
        Assert.That(message, Does.Contain("Error type: <error>").And.Contain("Cause: <cause>").And.Contain("object key").And.Contain("dataset"));
        Assert.That(message, Does.Contain($"(stack {CfnResolver.StackName})").And.Contain("\"in/\"").And.Contain("s3://etl-processed/_failed/"));
        Assert.That(message, Does.Not.Contain("${"), "Fn::Sub replaced everything");
    }

    [Test]
    public void Alarms_ActOnTheAlertsTopic()
    {
        var alarms = OfType("AWS::CloudWatch::Alarm").ToList();

        Assert.That(alarms.Select(a => a.Name), Is.EquivalentTo(new[] { "FailedRunsAlarm", "RejectedPercentAlarm" }));
        foreach (var (name, alarm) in alarms)
        {
            Assert.That(alarm["AlarmActions"]!.AsArray().Select(CfnTemplate.Target), Is.EqualTo(new[] { "AlertsTopic" }), name);
        }
    }

    [Test]
    public void FailedRunsAlarm_CountsOurStateMachinesFailedExecutions()
    {
        var alarm = Properties("FailedRunsAlarm");
        var dimension = alarm["Dimensions"]!.AsArray().Single()!;

        Assert.That(alarm["Namespace"]!.GetValue<string>(), Is.EqualTo("AWS/States"));
        Assert.That(alarm["MetricName"]!.GetValue<string>(), Is.EqualTo("ExecutionsFailed"));
        Assert.That(dimension["Name"]!.GetValue<string>(), Is.EqualTo("StateMachineArn"));
        Assert.That(dimension["Value"]!["Ref"]?.GetValue<string>(), Is.EqualTo("EtlStateMachine"));
        Assert.That(alarm["Threshold"]!.GetValue<string>(), Is.EqualTo("1"));
        Assert.That(alarm["ComparisonOperator"]!.GetValue<string>(), Is.EqualTo("GreaterThanOrEqualToThreshold"));
    }

    [Test]
    public void RejectedPercentAlarm_WatchesEachDatasetsFinalizeAgainstTheThresholdParameter()
    {
        var alarm = Properties("RejectedPercentAlarm");
        var query = MetricReferences.OfAlarm("RejectedPercentAlarm", alarm).Single();

        Assert.That(query.Metric, Is.EqualTo(Metric.RejectedPercent));
        Assert.That(query.Dimensions, Does.ContainKey(Metric.StepDimension).WithValue("finalize"));
        Assert.That(query.Dimensions, Does.ContainKey(Metric.DatasetDimension).WithValue(null), "grouped by dataset: one contributor each");
        Assert.That(alarm["Threshold"]!["Ref"]!.GetValue<string>(), Is.EqualTo("RejectedPercentThreshold"));
        Assert.That(Template["Parameters"]!["RejectedPercentThreshold"]!["Default"]!.GetValue<string>(), Is.EqualTo("5"));
        Assert.That(alarm["ComparisonOperator"]!.GetValue<string>(), Is.EqualTo("GreaterThanThreshold"));
    }

    [Test]
    public void EveryEtlMetricTheAlarmsAndDashboardRead_IsOneTheCodeEmits()
    {
        var ours = AllReferences().Where(r => r.Namespace == EmbeddedMetrics.DefaultNamespace).ToList();

        Assert.That(ours, Has.Count.GreaterThanOrEqualTo(8), "the alarm and the dashboard's rows, rejects and durations");
        foreach (var r in ours)
        {
            Assert.That(Metric.Names, Does.Contain(r.Metric), $"{r.Where}: metric {r.Metric}");
            Assert.That(r.Schema, Is.EquivalentTo(Metric.Dimensions), $"{r.Where}: the dimension set the EMF lines declare");
            Assert.That(Metric.Dimensions, Is.SupersetOf(r.Dimensions.Keys), $"{r.Where}: filtered or grouped dimensions");
            if (r.Dimensions.GetValueOrDefault(Metric.StepDimension) is { } step) Assert.That(StepRegistry.Names, Does.Contain(step), $"{r.Where}: step");
        }
        Assert.That(ours.Select(r => r.Metric).Distinct(), Is.SupersetOf(new[]
        {
            Metric.RowsRead, Metric.RowsWritten, Metric.RowsRejected, Metric.RowsLoaded, Metric.DurationMs, Metric.RejectedPercent,
        }));
    }

    [Test]
    public void EveryOtherMetricTheDashboardReads_IsOurStateMachineOrOurFunctions()
    {
        var others = AllReferences().Where(r => r.Namespace != EmbeddedMetrics.DefaultNamespace && r.Schema is null && r.Where != "FailedRunsAlarm").ToList();
        var functions = Attributes.Where(a => a.Key.EndsWith("Function.Ref", StringComparison.Ordinal)).Select(a => a.Value).ToList();

        Assert.That(others.Where(r => r.Namespace == "AWS/States").Select(r => r.Metric), Is.SupersetOf(new[] { "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted" }));
        foreach (var r in others)
        {
            if (r.Namespace == "AWS/States") Assert.That(r.Dimensions, Is.EquivalentTo(new Dictionary<string, string?> { ["StateMachineArn"] = MachineArn }), r.Metric);
            else if (r.Namespace == "AWS/Lambda") Assert.That(functions, Does.Contain(r.Dimensions["FunctionName"]), r.Metric);
            else Assert.Fail($"{r.Where}: unexpected namespace {r.Namespace}");
        }
        Assert.That(others.Where(r => r.Namespace == "AWS/Lambda").Select(r => r.Dimensions["FunctionName"]), Is.EquivalentTo(functions), "every function's errors");
    }

    [Test]
    public void Dashboard_ShowsBothAlarms()
    {
        var alarms = DashboardBody()["widgets"]!.AsArray().Where(w => w!["type"]!.GetValue<string>() == "alarm")
            .SelectMany(w => w!["properties"]!["alarms"]!.AsArray().Select(a => a!.GetValue<string>()));

        Assert.That(alarms, Is.EquivalentTo(new[] { Attributes["FailedRunsAlarm.Arn"], Attributes["RejectedPercentAlarm.Arn"] }));
    }

    [TestCase("SELECT MAX(RowsReed) FROM SCHEMA(EtlFunction, Dataset) WHERE Stp = 'load' GROUP BY Datset", "RowsReed", new[] { "Dataset" }, new[] { "Stp", "Datset" })]
    [TestCase("SELECT SUM(\"RowsRead\") FROM SCHEMA(\"EtlFunction\", Dataset, Step) GROUP BY Dataset ORDER BY SUM() DESC LIMIT 10", "RowsRead", new[] { "Dataset", "Step" }, new[] { "Dataset" })]
    [TestCase("SEARCH('{EtlFunction,Step} MetricName=\"Rows\" Stepp=\"x\"', 'Sum', 300)", "Rows", new[] { "Step" }, new[] { "Stepp" })]
    public void MetricReferences_Parse_FindsWhatAQueryNames(string expression, string metric, string[] schema, string[] dimensions)
    {
        var r = MetricReferences.Parse("test", expression);

        Assert.That((r.Namespace, r.Metric), Is.EqualTo(("EtlFunction", metric)));
        Assert.That(r.Schema, Is.EqualTo(schema));
        Assert.That(r.Dimensions.Keys, Is.EquivalentTo(dimensions));
    }

    [Test]
    public void MetricReferences_Parse_AnExpressionItCannotRead_Throws() =>
        Assert.That(() => MetricReferences.Parse("test", "m1 / m2 * 100"), Throws.TypeOf<NotSupportedException>());

    [Test]
    public void Topic_IsEncryptedWithAKeyBothPublishersMayUse()
    {
        var key = Properties("AlertsTopic")["KmsMasterKeyId"]!;
        Assert.That(CfnTemplate.Target(key), Is.EqualTo("AlertsKey"), "not alias/aws/sns: its fixed key policy shuts out EventBridge and CloudWatch");

        var statements = Properties("AlertsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        var services = statements.Where(s => s!["Principal"]!["Service"] is not null)
            .SelectMany(s => Strings(s!["Principal"]!["Service"]).SelectMany(p => Strings(s["Action"]).Select(a => $"{p} {a}")));
        Assert.That(services, Is.SupersetOf(new[]
        {
            "events.amazonaws.com kms:GenerateDataKey*", "events.amazonaws.com kms:Decrypt",
            "cloudwatch.amazonaws.com kms:GenerateDataKey*", "cloudwatch.amazonaws.com kms:Decrypt",
        }));
    }

    [Test]
    public void TopicPolicy_LetsTheRuleAndTheAlarmsPublish()
    {
        var policy = Properties("AlertsTopicPolicy");
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.That(policy["Topics"]!.AsArray().Select(CfnTemplate.Target), Is.EqualTo(new[] { "AlertsTopic" }));
        foreach (var service in new[] { "events.amazonaws.com", "cloudwatch.amazonaws.com" })
        {
            var statement = statements.Single(s => Strings(s["Principal"]!["Service"]).Contains(service));
            Assert.That(statement["Effect"]!.GetValue<string>(), Is.EqualTo("Allow"), service);
            Assert.That(Strings(statement["Action"]), Is.EqualTo(new[] { "sns:Publish" }), service);
            Assert.That(CfnTemplate.Target(statement["Resource"]), Is.EqualTo("AlertsTopic"), service);
        }
        var rule = statements.Single(s => Strings(s["Principal"]!["Service"]).Contains("events.amazonaws.com"));
        Assert.That(CfnTemplate.Target(rule["Condition"]!["ArnEquals"]!["aws:SourceArn"]), Is.EqualTo("FailedRunsRule"), "only our rule");
    }

    [TestCase("", false)]
    [TestCase("ops@example.com", true)]
    public void EmailSubscription_ExistsOnlyWithAnAlertEmail(string email, bool subscribed)
    {
        var subscription = Resources["AlertsEmailSubscription"]!;
        var resolver = new CfnResolver(Template, new Dictionary<string, string> { ["AlertEmail"] = email });

        Assert.That(resolver.Condition(subscription["Condition"]!.GetValue<string>()), Is.EqualTo(subscribed));
        Assert.That(subscription["Properties"]!["Protocol"]!.GetValue<string>(), Is.EqualTo("email"));
        Assert.That(subscription["Properties"]!["Endpoint"]!["Ref"]!.GetValue<string>(), Is.EqualTo("AlertEmail"));
        Assert.That(CfnTemplate.Target(subscription["Properties"]!["TopicArn"]), Is.EqualTo("AlertsTopic"));
        Assert.That(Regex.IsMatch(email, Template["Parameters"]!["AlertEmail"]!["AllowedPattern"]!.GetValue<string>()), Is.True, "allowed");
    }

    [TestCase("not-an-address")]
    [TestCase("a@b")]
    [TestCase("a@b.c, d@e.f")]
    public void AlertEmail_SomethingElse_IsRejectedByTheParameter(string email) =>
        Assert.That(Regex.IsMatch(email, Template["Parameters"]!["AlertEmail"]!["AllowedPattern"]!.GetValue<string>()), Is.False);

    [GeneratedRegex("<([^<>]+)>")]
    private static partial Regex Variable();
}
