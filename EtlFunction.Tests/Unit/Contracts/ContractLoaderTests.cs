using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Contracts;

public class ContractLoaderTests
{
    private static EtlException Invalid(string yaml)
    {
        var e = Assert.Throws<EtlException>(() => ContractLoader.Parse(yaml, "contracts/x.yaml"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        return e;
    }

    [Test]
    public void Parse_RepositoryContracts_LoadAndRoundTripThroughWriter()
    {
        foreach (var path in Directory.GetFiles(RepoPaths.Contracts, "*.yaml"))
        {
            var c = ContractLoader.LoadFile(path);
            var again = ContractLoader.Parse(ContractWriter.ToYaml(c), "rewritten");
            Assert.That(again.Fingerprint, Is.EqualTo(c.Fingerprint), path);
            Assert.That(again.Columns.Select(x => x.Name), Is.EqualTo(c.Columns.Select(x => x.Name)));
        }
    }

    [Test]
    public void Parse_UnknownType_NamesFileLineAndField()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: integer128\n");
        Assert.That(e.Message, Does.StartWith("contracts/x.yaml:4: a.type: unknown type 'integer128'"));
    }

    [Test]
    public void Parse_DuplicateColumn_NamesBothLines()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: int32\n  - name: a\n    source: b\n    type: int32\n");
        Assert.That(e.Message, Does.Contain("contracts/x.yaml:5: columns: duplicate column 'a' (first declared on line 3)"));
    }

    [Test]
    public void Parse_FilterOnUnknownColumn_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - {name: a, type: int32}\nfilters:\n  - column: b\n    keep: {equals: 1}\n");
        Assert.That(e.Message, Does.Contain(":5: filters.column: unknown column 'b'"));
    }

    [Test]
    public void Parse_BadRegex_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: string\n    checks: {pattern: \"[a-\"}\n");
        Assert.That(e.Message, Does.Contain(":5: a.checks.pattern: bad regex '[a-'"));
    }

    [TestCase(@"^(a)\1$", @"it uses backreference (\ number)")]
    [TestCase("(?=a)a", "it uses positive lookahead")]
    [TestCase("(?<!b)a", "negative lookbehind")]
    [TestCase("(?>a+)b", "it uses atomic subexpressions")]
    public void Parse_PatternTheLinearEngineRefuses_FailsNamingColumnAndConstruct(string pattern, string construct)
    {
        var e = Invalid($"dataset: d\ncolumns:\n  - name: code\n    type: string\n    checks: {{pattern: '{pattern}'}}\n");
        Assert.That(e.Message, Does.Contain($":5: code.checks.pattern: regex '{pattern}' is not supported: "));
        Assert.That(e.Message, Does.Contain(construct));
    }

    [Test]
    public void Parse_PatternOverTheEnginesSizeLimit_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: code\n    type: string\n    checks: {pattern: 'a{1,50000}'}\n");
        Assert.That(e.Message, Does.Contain("code.checks.pattern: regex 'a{1,50000}' is not supported").And.Contain("limit"));
    }

    [Test]
    public void Parse_RefusedPatternInFilterOrRegexReplace_Fails()
    {
        var filter = Invalid("dataset: d\ncolumns:\n  - {name: code, type: string}\nfilters:\n  - column: code\n    keep: {pattern: \"(a)\\\\1\"}\n");
        Assert.That(filter.Message, Does.Contain(":6: filters.code.pattern: regex '(a)\\1' is not supported: it uses backreference"));
        var replace = Invalid("dataset: d\ncolumns:\n  - name: code\n    type: string\n    transforms: [{regex_replace: {from: \"a(?=b)\", to: x}}]\n");
        Assert.That(replace.Message, Does.Contain("code.transforms: regex 'a(?=b)' is not supported: it uses positive lookahead"));
    }

    [Test]
    public void Parse_UnknownKey_FailsInsteadOfBeingIgnored()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: int32\n    nulable: false\n");
        Assert.That(e.Message, Does.Contain(":5: column: unknown key 'nulable'"));
    }

    [Test]
    public void Parse_UnsafeColumnName_TellsToUseSource()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: Unit Price\n    type: int32\n");
        Assert.That(e.Message, Does.Contain("put the header text in 'source'"));
    }

    [Test]
    public void Parse_CheckLiteralOfWrongType_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: int32\n    checks: {min: abc}\n");
        Assert.That(e.Message, Does.Contain("'abc' is not a valid int32"));
    }

    [Test]
    public void Parse_UpsertWithoutPrimaryKey_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - {name: a, type: int32}\nload:\n  mode: upsert\n");
        Assert.That(e.Message, Does.Contain("upsert needs a primary_key"));
    }

    [Test]
    public void Parse_BadYaml_ReportsLine()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n   type: [\n");
        Assert.That(e.Message, Does.StartWith("contracts/x.yaml:"));
    }

    [Test]
    public void Parse_BadDateFormat_Fails()
    {
        var e = Invalid("dataset: d\ncolumns:\n  - name: a\n    type: date\n    formats: [yyyy-MM]\n");
        Assert.That(e.Message, Does.Contain("needs a year (yyyy), a month (MM or M) and a day"));
    }

    [Test]
    public void Parse_PrimaryKeyColumns_BecomeNotNull()
    {
        var c = ContractLoader.Parse("dataset: d\ncolumns:\n  - {name: a, type: int32}\nprimary_key: [a]\n", "x");
        Assert.That(c.Columns[0].Nullable, Is.False);
        Assert.That(c.Dedupe, Is.EqualTo(DedupePolicy.KeepLast));
    }

    [Test]
    public void Fingerprint_IgnoresCommentsButNotRules()
    {
        var a = ContractLoader.Parse("# one\ndataset: d\ncolumns:\n  - {name: a, type: int32}\n", "x");
        var b = ContractLoader.Parse("dataset: d   # two\ncolumns:\n  - {name: a, type: int32}\n", "y");
        var c = ContractLoader.Parse("dataset: d\ncolumns:\n  - {name: a, type: int64}\n", "z");
        Assert.That(a.Fingerprint, Is.EqualTo(b.Fingerprint));
        Assert.That(a.Fingerprint, Is.Not.EqualTo(c.Fingerprint));
    }
}
