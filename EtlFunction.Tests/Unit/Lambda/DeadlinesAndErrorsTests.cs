using EtlFunction.Errors;
using EtlFunction.Lambda;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>The pure rules: which deadline headers count, how big the margin is, which errorType an exception gets.</summary>
public class DeadlinesAndErrorsTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("5000")]           // @vercel/fun's constant
    [TestCase("-1")]
    [TestCase("soon")]
    [TestCase("99999999999999")] // year 5138
    public void Parse_NotAPlausibleEpochTime_IsNoDeadline(string? header) => Assert.That(Deadlines.Parse(header), Is.Null);

    [Test]
    public void Parse_EpochMilliseconds_IsTheDeadline()
    {
        Assert.That(Deadlines.Parse("1795708061722"), Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1795708061722)));
        Assert.That(Deadlines.Parse(" 1795708061722 "), Is.Not.Null);
    }

    [Test]
    public void Margin_TenPercentCappedAtTheMaximum()
    {
        var max = TimeSpan.FromSeconds(10);
        Assert.That(Deadlines.Margin(TimeSpan.FromMinutes(15), max, 0.1), Is.EqualTo(max));
        Assert.That(Deadlines.Margin(TimeSpan.FromSeconds(30), max, 0.1), Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(Deadlines.Margin(TimeSpan.FromSeconds(-2), max, 0.1), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void From_EtlException_KeepsItsType_EvenWrapped()
    {
        var e = new EtlException(ErrorType.SchemaMismatch, "column fare is int");
        Assert.That(ErrorReport.From(e).ErrorType, Is.EqualTo("SchemaMismatch"));
        Assert.That(ErrorReport.From(new AggregateException(e)).ErrorType, Is.EqualTo("SchemaMismatch"));
        Assert.That(ErrorReport.From(new AggregateException(e)).ErrorMessage, Is.EqualTo("column fare is int"));
    }

    [Test]
    public void From_OtherExceptions_InternalError_TimeoutsTransient()
    {
        Assert.That(ErrorReport.From(new KeyNotFoundException("x")).ErrorType, Is.EqualTo("InternalError"));
        Assert.That(ErrorReport.From(new KeyNotFoundException("x")).ErrorMessage, Is.EqualTo("KeyNotFoundException: x"));
        Assert.That(ErrorReport.From(new TimeoutException("slow")).ErrorType, Is.EqualTo("TransientError"));
    }

    [Test]
    public void StepDecision_NonTransientEtlExceptionOnly()
    {
        Assert.That(ErrorReport.IsStepDecision(new EtlException(ErrorType.ContractViolation, "x")), Is.True);
        Assert.That(ErrorReport.IsStepDecision(new EtlException(ErrorType.TransientError, "x")), Is.False);
        Assert.That(ErrorReport.IsStepDecision(new OperationCanceledException()), Is.False);
        Assert.That(ErrorReport.IsStepDecision(new IOException()), Is.False);
    }

    [Test]
    public void ToJson_IsTheRuntimeApiErrorShape()
    {
        var json = new ErrorReport("InvalidInput", "bad", ["at A", "at B"]).ToJson();
        Assert.That(json, Is.EqualTo("""{"errorType":"InvalidInput","errorMessage":"bad","stackTrace":["at A","at B"]}"""));
    }
}
