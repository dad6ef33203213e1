using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>The load step's estimate and its decision (issue #13): refuse a load that cannot end before the deadline.</summary>
public class LoadBudgetTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly LoadBudget Budget = new(100_000, TimeSpan.FromSeconds(5));

    [Test]
    public void Estimate_RowsAtTheRate_PlusStartUp() =>
        Assert.That(Budget.Estimate(9_000_000), Is.EqualTo(TimeSpan.FromSeconds(95)));

    [Test]
    public void Check_NoDeadline_NeverRefuses() =>
        Assert.DoesNotThrow(() => Budget.Check(long.MaxValue / 2, Now, null));

    [Test]
    public void Check_EstimateJustFits_Loads() =>
        Assert.DoesNotThrow(() => Budget.Check(89_500_000, Now, Now.AddSeconds(900)));

    [Test]
    public void Check_EstimatePassesTheDeadline_LoadTooLargeNamingTheRowsThatFit()
    {
        var e = Assert.Throws<EtlException>(() => Budget.Check(90_000_000, Now, Now.AddSeconds(900)))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.LoadTooLarge));
        Assert.That(e.Message, Does.Contain("90,000,000 rows").And.Contain("about 89,500,000 rows fit").And.Contain("nothing was loaded"));
    }

    [Test]
    public void Check_DeadlinePassed_RefusesEvenAnEmptyLoad() =>
        Assert.That(Assert.Throws<EtlException>(() => Budget.Check(0, Now, Now.AddSeconds(-1)))!.Type, Is.EqualTo(ErrorType.LoadTooLarge));

    [Test]
    public void FromEnvironment_Unset_TheDefault() =>
        Assert.That(LoadBudget.FromEnvironment(_ => null), Is.EqualTo(LoadBudget.Default));

    [Test]
    public void FromEnvironment_Rate_ReplacesTheDefaultRate() =>
        Assert.That(LoadBudget.FromEnvironment(n => n == LoadBudget.Variable ? "250000" : null).RowsPerSecond, Is.EqualTo(250_000));

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("fast")]
    public void FromEnvironment_NotAPositiveNumber_InternalErrorNamingTheVariable(string value)
    {
        var e = Assert.Throws<EtlException>(() => LoadBudget.FromEnvironment(n => n == LoadBudget.Variable ? value : null))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.InternalError));
        Assert.That(e.Message, Does.Contain(LoadBudget.Variable));
    }
}
