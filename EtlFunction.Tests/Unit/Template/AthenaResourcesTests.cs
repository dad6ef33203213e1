using System.Text.Json.Nodes;
using EtlFunction.Errors;
using EtlFunction.Steps;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// The Athena side of the stack: the Glue database and the workgroup, whose results land in the archive bucket
/// under <see cref="Buckets.AthenaResultsPrefix"/>, expire there, never move to the cold class first, and never
/// meet the pipeline's own files (no dataset can be named like that prefix). Plus the stack's outputs for them.
/// </summary>
public class AthenaResourcesTests
{
    private static readonly JsonObject Template = CfnTemplate.Load();
    private static readonly JsonObject Resources = CfnTemplate.Resources(Template);

    private static JsonObject Properties(string resource) => Resources[resource]!["Properties"]!.AsObject();

    private static JsonObject Parameter(string name) => Template["Parameters"]![name]!.AsObject();

    private static int Number(JsonNode? node) => int.Parse(node!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void GlueDatabase_IsNamedByTheParameter_InThisAccountsCatalog()
    {
        var glue = Properties("GlueDatabase");

        Assert.That(Resources["GlueDatabase"]!["Type"]!.GetValue<string>(), Is.EqualTo("AWS::Glue::Database"));
        Assert.That(glue["CatalogId"]!["Ref"]!.GetValue<string>(), Is.EqualTo("AWS::AccountId"));
        Assert.That(glue["DatabaseInput"]!["Name"]!["Ref"]!.GetValue<string>(), Is.EqualTo("GlueDatabaseName"));
        var pattern = new System.Text.RegularExpressions.Regex(Parameter("GlueDatabaseName")["AllowedPattern"]!.GetValue<string>());
        Assert.That(pattern.IsMatch(Parameter("GlueDatabaseName")["Default"]!.GetValue<string>()), Is.True, "the default passes its own pattern");
        Assert.That(pattern.IsMatch("Etl-Archive"), Is.False, "Athena folds names to lower case and takes no hyphen");
    }

    [Test]
    public void WorkGroup_EnforcesEncryptedResultsUnderTheAthenaPrefixOfTheArchiveBucket()
    {
        var config = Properties("AthenaWorkGroup")["WorkGroupConfiguration"]!;
        var resolver = new CfnResolver(Template, new Dictionary<string, string>(), new Dictionary<string, string> { ["ArchiveBucket.Ref"] = "etl-archive" });

        Assert.That(Resources["AthenaWorkGroup"]!["Type"]!.GetValue<string>(), Is.EqualTo("AWS::Athena::WorkGroup"));
        Assert.That(config["EnforceWorkGroupConfiguration"]!.GetValue<string>(), Is.EqualTo("true"));
        Assert.That(resolver.Render(config["ResultConfiguration"]!["OutputLocation"]), Is.EqualTo("s3://etl-archive/" + Buckets.AthenaResultsPrefix));
        Assert.That(config["ResultConfiguration"]!["EncryptionConfiguration"]!["EncryptionOption"]!.GetValue<string>(), Is.EqualTo("SSE_S3"));
        Assert.That(Properties("AthenaWorkGroup")["RecursiveDeleteOption"]!.GetValue<string>(), Is.EqualTo("true"), "a used workgroup still deletes with the stack");
    }

    [Test]
    public void ArchiveBucket_ExpiresAthenaResults_BeforeAnyObjectMovesToTheColdClass()
    {
        var rules = Properties("ArchiveBucket")["LifecycleConfiguration"]!["Rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var expiry = rules.Single(r => r["Prefix"]?.GetValue<string>() == Buckets.AthenaResultsPrefix);
        var transitions = rules.Where(r => r["Transitions"] is not null).ToList();

        Assert.That(expiry["Status"]!.GetValue<string>(), Is.EqualTo("Enabled"));
        Assert.That(expiry["ExpirationInDays"]!["Ref"]!.GetValue<string>(), Is.EqualTo("AthenaResultsRetentionDays"));
        Assert.That(transitions, Is.Not.Empty);
        foreach (var rule in transitions)
        {
            // The transition rules have no prefix (they move every object, the Athena results too): results must be
            // gone before the earliest transition day the parameters allow.
            foreach (var t in rule["Transitions"]!.AsArray())
            {
                var days = t!["TransitionInDays"]!["Ref"]!.GetValue<string>();
                Assert.That(Number(Parameter("AthenaResultsRetentionDays")["MaxValue"]), Is.LessThan(Number(Parameter(days)["MinValue"])), days);
            }
        }
        Assert.That(rules.Where(r => r != expiry).Select(r => r["ExpirationInDays"]), Has.All.Null, "no other rule expires the archive");
    }

    [TestCase("_athena-results/x.csv")]
    [TestCase("_manifests/orders/r.json")]
    [TestCase("-athena-results.csv")]
    public void DatasetOfALandingKey_NeverBeginsWithUnderscore(string key)
    {
        var dataset = RunIds.DatasetOf(key);

        Assert.That(Buckets.IsReservedDataset(dataset), Is.False, dataset);
        Assert.That(Buckets.ArchiveFolder(dataset, "2024-01-01"), Does.Not.StartWith(Buckets.AthenaResultsPrefix));
    }

    [TestCase("_athena-results")]
    [TestCase("_manifests")]
    public void PreprocessEvent_DatasetLikeABucketPrefix_IsInvalidInput(string dataset)
    {
        var json = $$"""{"bucket":"landing","key":"orders/x.csv","dataset":"{{dataset}}"}""";

        var e = Assert.Throws<EtlException>(() => StepEvents.ParsePreprocess(json))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain($"'{dataset}'"));
    }

    [Test]
    public void PreprocessEvent_OrdinaryDataset_IsKept() =>
        Assert.That(StepEvents.ParsePreprocess("""{"bucket":"landing","key":"orders/x.csv","dataset":"orders_v2"}""").Dataset, Is.EqualTo("orders_v2"));

    [Test]
    public void Outputs_NameTheTopicDashboardDatabaseAndWorkGroup()
    {
        var outputs = Template["Outputs"]!.AsObject().ToDictionary(o => o.Key, o => CfnTemplate.Target(o.Value!["Value"]));

        Assert.That(outputs, Does.ContainKey("AlertsTopicArn").WithValue("AlertsTopic"));
        Assert.That(outputs, Does.ContainKey("DashboardName").WithValue("Dashboard"));
        Assert.That(outputs, Does.ContainKey("ArchiveDatabase").WithValue("GlueDatabase"));
        Assert.That(outputs, Does.ContainKey("ArchiveWorkGroup").WithValue("AthenaWorkGroup"));
    }
}
