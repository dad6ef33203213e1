using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>Repeated header texts: bound by position when the contract names them as often as the file repeats them.</summary>
public sealed class HeaderBinderTests
{
    private static readonly DatasetContract Twice = ContractLoader.Parse("""
        dataset: t
        columns:
          - {name: a, source: "x", type: int32}
          - {name: b, source: "y", type: string}
          - {name: c, source: "x", type: string}
        """, "t.yaml");

    [Test]
    public void Bind_RepeatedHeaderNamedAsOften_TakesOccurrencesLeftToRight() =>
        Assert.That(HeaderBinder.Bind(["x", "y", "x"], Twice), Is.EqualTo(new[] { 0, 1, 2 }));

    [Test]
    public void Bind_RepeatedHeaderNamedMoreOftenThanItAppears_ReportsTheMissingColumn()
    {
        var e = Assert.Throws<EtlException>(() => HeaderBinder.Bind(["x", "y"], Twice));
        Assert.That(e!.Message, Does.Contain("missing columns: c (header 'x')"));
    }

    [Test]
    public void Bind_RepeatedHeaderNamedLessOften_FailsNamingPositions()
    {
        var e = Assert.Throws<EtlException>(() => HeaderBinder.Bind(["x", "y", "x", "x"], Twice));
        Assert.That(e!.Message, Does.Contain("header 'x' appears 3 times (positions 1, 3, 4); column 'a' cannot tell which to use (the contract names it 2 times)"));
    }
}
