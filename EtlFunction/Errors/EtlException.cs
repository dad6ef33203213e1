namespace EtlFunction.Errors;

/// <summary>
/// The error types a step can fail with. They are the <c>errorType</c> that Step Functions
/// Retry/Catch rules match, and they map to the CLI exit codes, so every failure a user can
/// act on has a stable name.
/// </summary>
public enum ErrorType
{
    /// <summary>The input cannot be processed at all (not CSV, empty, unreadable encoding). Not retried.</summary>
    InvalidInput,
    /// <summary>The file or the contract breaks the dataset contract (missing/unknown columns, invalid YAML). Not retried.</summary>
    ContractViolation,
    /// <summary>An existing table does not match the contract. Not retried: a human decides.</summary>
    SchemaMismatch,
    /// <summary>The database would have truncated or converted a value. Not retried.</summary>
    DataLossError,
    /// <summary>A passing fault (network, throttling, deadline): safe to retry the same step.</summary>
    TransientError,
    /// <summary>A bug or an unexpected state; not retried.</summary>
    InternalError,
    /// <summary>
    /// The load cannot finish before the Lambda deadline (one transaction in one invocation), refused before anything
    /// is written. Not retried: every attempt would be cut off the same way.
    /// </summary>
    LoadTooLarge,
}

/// <summary>
/// A failure with a typed <see cref="ErrorType"/>, so hosts (CLI, Lambda) can report it as
/// <c>{"errorType","errorMessage"}</c> and Step Functions can decide to retry or quarantine.
/// </summary>
public sealed class EtlException(ErrorType type, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorType Type { get; } = type;

    /// <summary>The CLI exit code for each error type (documented in the README).</summary>
    public static int ExitCodeFor(ErrorType type) => type switch
    {
        ErrorType.InvalidInput => 3,
        ErrorType.ContractViolation => 4,
        ErrorType.SchemaMismatch => 5,
        ErrorType.DataLossError => 6,
        ErrorType.TransientError => 7,
        ErrorType.LoadTooLarge => 8,
        _ => 10,
    };
}
