namespace EtlFunction.Errors;

/// <summary>
/// A failure as a host reports it: the <see cref="ErrorType"/> (Step Functions' <c>errorType</c>, the CLI's
/// exit code), the message, and the exception that decided both (wrappers removed).
/// </summary>
public sealed record ClassifiedError(ErrorType Type, string Message, Exception Exception)
{
    /// <summary>True when a step decided to fail (an <see cref="EtlException"/>), not a bug or a passing fault found by accident.</summary>
    public bool IsStepDecision => Exception is EtlException && Type != ErrorType.TransientError;
}

/// <summary>
/// The one rule that turns any exception into an <see cref="ErrorType"/>, so the CLI and the Lambda
/// host cannot disagree (a raw <see cref="TimeoutException"/> used to be transient in Lambda and an
/// internal error, exit 10, in the CLI). Cancellation is not classified here: each host knows whether it
/// asked for it (Ctrl+C, the Lambda deadline).
/// </summary>
public static class ErrorClassifier
{
    public static ClassifiedError Classify(Exception e)
    {
        var inner = Unwrap(e);
        return inner switch
        {
            EtlException ee => new(ee.Type, ee.Message, ee),
            // A network or service call that ran out of time: the next attempt may well succeed.
            TimeoutException => new(ErrorType.TransientError, Describe(inner), inner),
            _ => new(ErrorType.InternalError, Describe(inner), inner),
        };
    }

    /// <summary>
    /// The exception inside <see cref="AggregateException"/> wrappers (tasks, parallel loops): the only one,
    /// or of several the first that is an <see cref="EtlException"/> (the step's own verdict), else the first.
    /// </summary>
    public static Exception Unwrap(Exception e)
    {
        if (e is not AggregateException a || a.InnerExceptions.Count == 0) return e;
        var inners = a.Flatten().InnerExceptions;
        return inners.FirstOrDefault(i => i is EtlException) ?? inners[0];
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";
}
