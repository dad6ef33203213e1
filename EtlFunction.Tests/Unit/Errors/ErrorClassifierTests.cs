using EtlFunction.Errors;
using EtlFunction.Lambda;

namespace EtlFunction.Tests.Unit.Errors;

/// <summary>One table for the one rule both hosts use: which <see cref="ErrorType"/> an exception is, and with which message.</summary>
public class ErrorClassifierTests
{
    private static readonly EtlException Mismatch = new(ErrorType.SchemaMismatch, "column fare is int");

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("a step's verdict keeps its type", Mismatch, ErrorType.SchemaMismatch, "column fare is int");
        yield return Case("a transient step failure stays transient", new EtlException(ErrorType.TransientError, "throttled"), ErrorType.TransientError, "throttled");
        yield return Case("a task's wrapper is removed", new AggregateException(Mismatch), ErrorType.SchemaMismatch, "column fare is int");
        yield return Case("nested wrappers are removed", new AggregateException(new AggregateException(Mismatch)), ErrorType.SchemaMismatch, "column fare is int");
        yield return Case("of several, the step's verdict wins", new AggregateException(new InvalidOperationException("x"), Mismatch), ErrorType.SchemaMismatch, "column fare is int");
        yield return Case("of several bugs, the first", new AggregateException(new KeyNotFoundException("k"), new InvalidOperationException("x")), ErrorType.InternalError, "KeyNotFoundException: k");
        yield return Case("a raw timeout is transient in every host", new TimeoutException("the read timed out"), ErrorType.TransientError, "TimeoutException: the read timed out");
        yield return Case("a wrapped timeout too", new AggregateException(new TimeoutException("t")), ErrorType.TransientError, "TimeoutException: t");
        yield return Case("anything else is a bug", new KeyNotFoundException("x"), ErrorType.InternalError, "KeyNotFoundException: x");
        yield return Case("an empty wrapper is a bug", new AggregateException("none"), ErrorType.InternalError, "AggregateException: none");
    }

    private static TestCaseData Case(string name, Exception e, ErrorType type, string message) =>
        new TestCaseData(e, type, message).SetName("Classify: " + name);

    [TestCaseSource(nameof(Cases))]
    public void Classify_GivesTheTypeAndMessage_AndBothHostsReportIt(Exception e, ErrorType type, string message)
    {
        var error = ErrorClassifier.Classify(e);
        Assert.That(error.Type, Is.EqualTo(type));
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(error.Exception, Is.Not.InstanceOf<AggregateException>().Or.SameAs(e));

        // Lambda's errorType and the CLI's exit code come from the same classification.
        var report = ErrorReport.From(e);
        Assert.That(report.ErrorType, Is.EqualTo(type.ToString()));
        Assert.That(report.ErrorMessage, Is.EqualTo(message));
    }

    [Test]
    public void IsStepDecision_OnlyForNonTransientVerdicts()
    {
        Assert.That(ErrorClassifier.Classify(new AggregateException(Mismatch)).IsStepDecision, Is.True);
        Assert.That(ErrorClassifier.Classify(new EtlException(ErrorType.TransientError, "t")).IsStepDecision, Is.False);
        Assert.That(ErrorClassifier.Classify(new TimeoutException()).IsStepDecision, Is.False);
        Assert.That(ErrorClassifier.Classify(new InvalidOperationException()).IsStepDecision, Is.False);
    }

    [TestCase(ErrorType.InvalidInput, 3)]
    [TestCase(ErrorType.ContractViolation, 4)]
    [TestCase(ErrorType.SchemaMismatch, 5)]
    [TestCase(ErrorType.DataLossError, 6)]
    [TestCase(ErrorType.TransientError, 7)]
    [TestCase(ErrorType.LoadTooLarge, 8)]
    [TestCase(ErrorType.InternalError, 10)]
    public void ExitCodeFor_IsTheReadmesTable(ErrorType type, int code) =>
        Assert.That(EtlException.ExitCodeFor(type), Is.EqualTo(code));
}
