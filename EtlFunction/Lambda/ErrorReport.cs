using System.Text;
using System.Text.Json;
using EtlFunction.Errors;

namespace EtlFunction.Lambda;

/// <summary>
/// The body of <c>POST .../error</c> and <c>POST runtime/init/error</c>. Step Functions matches
/// <see cref="ErrorType"/> in Retry/Catch, so it must be one of the stable <see cref="Errors.ErrorType"/>
/// names for step failures, as <see cref="ErrorClassifier"/> decides them; a step cut off by the deadline is <c>TransientError</c> (safe to retry:
/// steps write their outputs atomically, so a cancelled step leaves nothing half-written).
/// </summary>
public sealed record ErrorReport(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    private const int MaxStackLines = 40;

    /// <summary>The type Lambda uses for a handler name it cannot find; reported through init/error.</summary>
    public const string HandlerNotFound = "Runtime.HandlerNotFound";

    /// <summary>The report of a failed step, typed by <see cref="ErrorClassifier"/> (the CLI's exit codes follow the same rule).</summary>
    public static ErrorReport From(Exception e)
    {
        var error = ErrorClassifier.Classify(e);
        return new(error.Type.ToString(), error.Message, StackOf(error.Exception));
    }

    /// <summary>The step was still running when the safety margin before the Lambda deadline began.</summary>
    public static ErrorReport DeadlineReached(Exception? e = null) => new(
        nameof(Errors.ErrorType.TransientError),
        "deadline reached before the step finished; safe to retry" + (e is null ? "" : $" ({ErrorClassifier.Unwrap(e).GetType().Name})"),
        e is null ? [] : StackOf(ErrorClassifier.Unwrap(e)));

    /// <summary>
    /// True when the step itself decided to fail (a non-transient <see cref="EtlException"/>): kept as
    /// reported even when the deadline fired meanwhile, because a retry would only fail the same way.
    /// </summary>
    public static bool IsStepDecision(Exception e) => ErrorClassifier.Classify(e).IsStepDecision;

    /// <summary>The Runtime API body, written directly (no reflection serializer on the error path of a cold start).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("errorType", ErrorType);
            w.WriteString("errorMessage", ErrorMessage);
            w.WriteStartArray("stackTrace");
            foreach (var line in StackTrace) w.WriteStringValue(line);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string[] StackOf(Exception e) =>
        (e.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(MaxStackLines).ToArray();
}
