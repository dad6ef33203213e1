using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Template;

/// <summary>
/// The loader reads the database credentials from one place (a Parameter Store parameter, a Secrets Manager secret
/// through <c>/aws/reference/secretsmanager/&lt;ARN&gt;</c>, or the created instance's managed master secret) and may
/// read exactly that one: ssm:GetParameter, secretsmanager:GetSecretValue and kms:Decrypt each name one ARN, never
/// every parameter or secret of the account and region. The template's conditions are evaluated for each
/// combination of parameters, so what the function is told to read and what it may read are checked together.
/// </summary>
public class CredentialsAccessTests
{
    private const string Ssm = $"arn:aws:ssm:{CfnResolver.Region}:{CfnResolver.Account}:parameter";
    private const string Secret = $"arn:aws:secretsmanager:{CfnResolver.Region}:{CfnResolver.Account}:secret:etl/db-AbC123";
    private const string ManagedSecret = $"arn:aws:secretsmanager:{CfnResolver.Region}:{CfnResolver.Account}:secret:rds!db-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-Xy9Z8w";
    private const string Key = $"arn:aws:kms:{CfnResolver.Region}:{CfnResolver.Account}:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly JsonObject Template = CfnTemplate.Load();

    /// <summary>GetAtt values of resources the statements name (what CloudFormation knows only after creating them).</summary>
    private static readonly Dictionary<string, string> Attributes = new()
    {
        ["Database.MasterUserSecret.SecretArn"] = ManagedSecret,
    };

    private static IEnumerable<TestCaseData> Sources()
    {
        TestCaseData Case(string name, string createDatabase, string parameter, string secret, string key, string reads, params string[] grants) =>
            new TestCaseData(new Dictionary<string, string>
            {
                ["CreateDatabase"] = createDatabase,
                ["DatabaseCredentialsParameter"] = parameter,
                ["DatabaseCredentialsSecretArn"] = secret,
                ["DatabaseCredentialsKmsKeyArn"] = key,
            }, reads, grants).SetArgDisplayNames(name);

        yield return Case("parameter path", "false", "/etl/db", "", "", "/etl/db", $"ssm:GetParameter {Ssm}/etl/db");
        yield return Case("parameter without slash", "false", "etl-db", "", "", "etl-db", $"ssm:GetParameter {Ssm}/etl-db");
        yield return Case("secret", "false", "", Secret, "", $"/aws/reference/secretsmanager/{Secret}",
            $"ssm:GetParameter {Ssm}/aws/reference/secretsmanager/{Secret}", $"secretsmanager:GetSecretValue {Secret}");
        yield return Case("managed secret", "true", "", "", "", $"/aws/reference/secretsmanager/{ManagedSecret}",
            $"ssm:GetParameter {Ssm}/aws/reference/secretsmanager/{ManagedSecret}", $"secretsmanager:GetSecretValue {ManagedSecret}");
        yield return Case("created database, own parameter", "true", "/etl/db", "", "", "/etl/db", $"ssm:GetParameter {Ssm}/etl/db");
        yield return Case("created database, own secret", "true", "", Secret, "", $"/aws/reference/secretsmanager/{Secret}",
            $"ssm:GetParameter {Ssm}/aws/reference/secretsmanager/{Secret}", $"secretsmanager:GetSecretValue {Secret}");
        yield return Case("no database", "false", "", "", "", "");
        yield return Case("customer managed key", "false", "/etl/db", "", Key, "/etl/db", $"ssm:GetParameter {Ssm}/etl/db", $"kms:Decrypt {Key}");
    }

    [TestCaseSource(nameof(Sources))]
    public void LoadFunction_EachCredentialsSource_MayReadExactlyThatOne(Dictionary<string, string> parameters, string reads, string[] grants)
    {
        var resolver = new CfnResolver(Template, parameters, Attributes);
        var function = resolver.Resolve(CfnTemplate.Resources(Template)["LoadFunction"]!["Properties"])!;

        var told = resolver.Render(function["Environment"]!["Variables"]!["ETL_MYSQL_CREDENTIALS_PARAMETER"]);
        var granted = Statements(function["Policies"]).Where(s => s["Effect"]!.GetValue<string>() == "Allow")
            .SelectMany(s => Actions(s).Where(IsCredentialsAction).SelectMany(a => AsList(s["Resource"]).Select(r => $"{a} {resolver.Render(r)}")))
            .ToList();

        Assert.That(told, Is.EqualTo(reads), "ETL_MYSQL_CREDENTIALS_PARAMETER");
        Assert.That(granted, Is.EquivalentTo(grants));
    }

    [Test]
    public void CredentialsStatements_InEveryBranch_NameNoWildcardResource()
    {
        var statements = AllStatements(Template).Where(s => Actions(s).Any(IsCredentialsAction)).ToList();

        Assert.That(statements, Is.Not.Empty, "the loader's credentials statements");
        foreach (var statement in statements)
        {
            Assert.That(statement["Effect"]!.GetValue<string>(), Is.EqualTo("Allow"));
            Assert.That(Actions(statement), Has.None.Contain('*'), statement.ToJsonString());
            foreach (var resource in CfnTemplate.Branches(statement["Resource"]).SelectMany(AsList).SelectMany(CfnTemplate.Branches))
            {
                var text = resource switch
                {
                    JsonValue v => v.GetValue<string>(),
                    JsonObject o when o["Fn::Sub"] is JsonValue s => s.GetValue<string>(),
                    JsonObject o when o["Fn::Sub"] is JsonArray a => a[0]!.GetValue<string>(),
                    _ => "", // Ref or GetAtt: one resource
                };
                Assert.That(text, Does.Not.Contain('*'), $"{statement.ToJsonString()}: one parameter, secret or key, not the whole account and region");
            }
        }
        var loader = Statements(CfnTemplate.Resources(Template)["LoadFunction"]!["Properties"]!["Policies"]).SelectMany(CfnTemplate.Branches).OfType<JsonObject>()
            .ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.That(statements.Where(s => !loader.Contains(s)).Select(s => s.ToJsonString()), Is.Empty, "only the loader reads credentials");
    }

    [Test]
    public void CredentialsRule_ParameterAndSecretBoth_IsRejected()
    {
        var rule = Template["Rules"]!["OneCredentialsSource"]!["Assertions"]![0]!["Assert"]!;
        bool Holds(string parameter, string secret) => new CfnResolver(Template, new Dictionary<string, string>
        {
            ["DatabaseCredentialsParameter"] = parameter,
            ["DatabaseCredentialsSecretArn"] = secret,
        }).Assert(rule);

        Assert.That(Holds("/etl/db", Secret), Is.False);
        Assert.That(Holds("/etl/db", ""), Is.True);
        Assert.That(Holds("", Secret), Is.True);
        Assert.That(Holds("", ""), Is.True);
    }

    [TestCase("DatabaseCredentialsParameter", "")]
    [TestCase("DatabaseCredentialsParameter", "/etl/db")]
    [TestCase("DatabaseCredentialsParameter", "etl-db")]
    [TestCase("DatabaseCredentialsParameter", "/etl/db.credentials_v2")]
    [TestCase("DatabaseCredentialsSecretArn", "")]
    [TestCase("DatabaseCredentialsSecretArn", Secret)]
    [TestCase("DatabaseCredentialsSecretArn", ManagedSecret)]
    [TestCase("DatabaseCredentialsKmsKeyArn", "")]
    [TestCase("DatabaseCredentialsKmsKeyArn", Key)]
    public void CredentialsParameterPattern_OneNamedSource_IsAccepted(string parameter, string value)
    {
        Assert.That(Pattern(parameter).IsMatch(value), Is.True);
    }

    [TestCase("DatabaseCredentialsParameter", "/aws/reference/secretsmanager/etl/db")] // a secret: its ARN is needed for the grant
    [TestCase("DatabaseCredentialsParameter", "aws/reference/secretsmanager/etl/db")]
    [TestCase("DatabaseCredentialsParameter", "/etl/*")]
    [TestCase("DatabaseCredentialsParameter", $"{Ssm}/etl/db")]
    [TestCase("DatabaseCredentialsSecretArn", "etl/db")] // a name: the ARN ends in a random suffix
    [TestCase("DatabaseCredentialsSecretArn", $"arn:aws:secretsmanager:{CfnResolver.Region}:{CfnResolver.Account}:secret:*")]
    [TestCase("DatabaseCredentialsSecretArn", $"arn:aws:secretsmanager:{CfnResolver.Region}:{CfnResolver.Account}:secret:etl/db-??????")]
    [TestCase("DatabaseCredentialsKmsKeyArn", "*")]
    [TestCase("DatabaseCredentialsKmsKeyArn", $"arn:aws:kms:{CfnResolver.Region}:{CfnResolver.Account}:alias/aws/ssm")]
    public void CredentialsParameterPattern_WildcardOrIndirectName_IsRejected(string parameter, string value)
    {
        Assert.That(Pattern(parameter).IsMatch(value), Is.False);
    }

    private static Regex Pattern(string parameter) => new(Template["Parameters"]![parameter]!["AllowedPattern"]!.GetValue<string>());

    private static bool IsCredentialsAction(string action) =>
        action == "*" || action.StartsWith("ssm:", StringComparison.Ordinal) || action.StartsWith("secretsmanager:", StringComparison.Ordinal) || action.StartsWith("kms:", StringComparison.Ordinal);

    private static List<string> Actions(JsonObject statement) => [.. AsList(statement["Action"]).Select(a => a!.GetValue<string>())];

    private static List<JsonNode?> AsList(JsonNode? node) => node is JsonArray a ? [.. a] : [node];

    /// <summary>The statements of a resolved SAM <c>Policies</c> list (inline documents only).</summary>
    private static IEnumerable<JsonObject> Statements(JsonNode? policies) =>
        AsList(policies).OfType<JsonObject>().SelectMany(p => p["Statement"] is JsonArray s ? s.OfType<JsonObject>() : []);

    /// <summary>
    /// Every statement of every policy document in the template, each <c>Fn::If</c> branch on its own; a KMS key's own
    /// key policy (<c>KeyPolicy</c>: who may use that one key, always <c>Resource: "*"</c>) grants no credentials and is left out.
    /// </summary>
    private static IEnumerable<JsonObject> AllStatements(JsonNode? node) => node switch
    {
        JsonObject o when o["Statement"] is JsonArray s => s.SelectMany(CfnTemplate.Branches).SelectMany(AsList).OfType<JsonObject>()
            .Where(x => x.ContainsKey("Effect")),
        JsonObject o => o.Where(p => p.Key != "KeyPolicy").SelectMany(p => AllStatements(p.Value)),
        JsonArray a => a.SelectMany(AllStatements),
        _ => [],
    };
}
