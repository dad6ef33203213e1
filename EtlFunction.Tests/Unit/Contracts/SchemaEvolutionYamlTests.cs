using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>The contract's <c>schema_evolution</c> key: parsed, written back, and part of the fingerprint.</summary>
public class SchemaEvolutionYamlTests
{
    private const string Base = "dataset: d\ncolumns:\n  - {name: a, type: int32}\n";

    [TestCase("", SchemaEvolution.None)]
    [TestCase("schema_evolution: none\n", SchemaEvolution.None)]
    [TestCase("schema_evolution: add_columns\n", SchemaEvolution.AddColumns)]
    public void Parse_SchemaEvolution_ReadsTheOption(string line, SchemaEvolution expected)
    {
        Assert.That(ContractLoader.Parse(Base + line, "x.yaml").SchemaEvolution, Is.EqualTo(expected));
    }

    [TestCase("schema_evolution: drop_columns\n", "'drop_columns' is not one of none, add_columns")]
    [TestCase("schema_evolution: [add_columns]\n", "must be a single value")]
    public void Parse_BadSchemaEvolution_ContractViolationNamingLineAndField(string line, string why)
    {
        var e = Assert.Throws<EtlException>(() => ContractLoader.Parse(Base + line, "contracts/x.yaml"));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.StartWith("contracts/x.yaml:4: schema_evolution: ").And.Contain(why));
    }

    [Test]
    public void Writer_AddColumns_RoundTripsAndChangesTheFingerprint()
    {
        var none = ContractLoader.Parse(Base, "x.yaml");
        var add = ContractLoader.Parse(Base + "schema_evolution: add_columns\n", "x.yaml");

        Assert.That(ContractLoader.Parse(ContractWriter.ToYaml(add), "again").SchemaEvolution, Is.EqualTo(SchemaEvolution.AddColumns));
        Assert.That(ContractWriter.ToYaml(none), Does.Not.Contain("schema_evolution"), "the default is not written: older fingerprints stay as they were");
        Assert.That(add.Fingerprint, Is.Not.EqualTo(none.Fingerprint));
        Assert.That(ContractLoader.Parse(Base + "schema_evolution: none\n", "x.yaml").Fingerprint, Is.EqualTo(none.Fingerprint));
    }
}
