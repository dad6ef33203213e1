using System.Globalization;
using System.Net.Sockets;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// Turns what MySQL reports — errors, and the warnings of a statement — into the pipeline's error types,
/// so Step Functions retries what can pass and quarantines what cannot:
/// connection failures, timeouts, deadlocks (1213) and lock wait timeouts (1205) → <see cref="ErrorType.TransientError"/>;
/// a duplicate key (1062) → <see cref="ErrorType.ContractViolation"/>; a NULL in a NOT NULL column (1048, 1263) →
/// <see cref="ErrorType.InvalidInput"/>; a value the server would cut, round or convert → <see cref="ErrorType.DataLossError"/>;
/// anything else → <see cref="ErrorType.InternalError"/>.
/// </summary>
internal static class MySqlErrors
{
    /// <summary>A server warning or note as <c>SHOW WARNINGS</c> lists it.</summary>
    public sealed record Warning(string Level, int Code, string Message)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Level} {Code}: {Message}");
    }

    private const int DuplicateKey = 1062;
    private const int ColumnCannotBeNull = 1048;
    private const int NullSuppliedToNotNull = 1263;
    private const int KeyTooLong = 1071;

    /// <summary>The server or the client refuses <c>LOAD DATA LOCAL</c> (MySQL 8: 3948, MariaDB: 4166, older: 1148).</summary>
    public static bool IsLocalInfileRefused(MySqlException e) =>
        e.Number is 1148 or 3948 or 4166 or 2068;

    /// <summary>
    /// The load failed because the statement produced warnings: LOAD DATA LOCAL skips a duplicate key and
    /// turns bad values into warnings instead of errors, so any warning means a row did not go in as it was.
    /// </summary>
    public static EtlException FromWarnings(IReadOnlyList<Warning> warnings, long total, DatasetContract contract, string statement)
    {
        var shown = string.Join("; ", warnings.Take(5));
        var more = total > Math.Min(warnings.Count, 5) ? string.Create(CultureInfo.InvariantCulture, $" (and {total - Math.Min(warnings.Count, 5)} more)") : "";
        var where = $"table {MySqlSchema.Quote(contract.Table)}";
        if (warnings.FirstOrDefault(w => w.Code == DuplicateKey) is { } duplicate)
        {
            return DuplicateKeyError(contract, duplicate.Message, null);
        }
        if (warnings.Any(w => w.Code == NullSuppliedToNotNull || w.Code == ColumnCannotBeNull))
        {
            return new EtlException(ErrorType.InvalidInput, $"NULL in a NOT NULL column of {where}: {shown}{more}; nothing was loaded");
        }
        var keyHint = contract.Columns.Any(c => c.Type.Kind == TypeKind.String && MySqlSchema.IsKey(contract, c) && c.Check?.MaxLength is null)
            ? $" (string key columns without max_length are VARCHAR({MySqlSchema.DefaultKeyLength}))"
            : "";
        return new EtlException(ErrorType.DataLossError,
            $"{statement} into {where} would have changed values: {shown}{more}{keyHint}; nothing was loaded");
    }

    /// <summary>Mirrors the SQLite loader's wording: which key, and why it is a duplicate in this mode.</summary>
    public static EtlException DuplicateKeyError(DatasetContract contract, string serverMessage, Exception? inner)
    {
        var why = contract.LoadMode == LoadMode.Append
            ? "is already in the table or earlier in this file (append mode never overwrites: use load mode upsert or replace)"
            : "appears more than once in this file";
        var key = KeyOf(serverMessage) is { } k ? $" ({string.Join(", ", contract.PrimaryKey)}) = ({k})" : "";
        return new EtlException(ErrorType.ContractViolation,
            $"duplicate primary key{key} in table {MySqlSchema.Quote(contract.Table)}: the key {why} ({serverMessage}); nothing was loaded", inner);
    }

    /// <summary>Any failure during a load, as an <see cref="EtlException"/> (passed through when it already is one).</summary>
    public static Exception Translate(Exception e, DatasetContract contract)
    {
        switch (e)
        {
            case EtlException or OperationCanceledException:
                return e;
            // A failure of our own stream while the server was reading it arrives wrapped.
            case MySqlException { InnerException: EtlException or OperationCanceledException } wrapped:
                return wrapped.InnerException!;
            case MySqlException { InnerException: { } inner } wrapped when wrapped.Number == 0 && inner is not MySqlException:
                return Translate(inner, contract);
            case MySqlException m:
                return FromServer(m, contract);
            case SocketException or IOException or TimeoutException:
                return new EtlException(ErrorType.TransientError,
                    $"MySQL load of table {MySqlSchema.Quote(contract.Table)} failed: {e.Message}; nothing was loaded", e);
            default:
                return new EtlException(ErrorType.InternalError,
                    $"MySQL load of table {MySqlSchema.Quote(contract.Table)} failed: {e.Message}; nothing was loaded", e);
        }
    }

    private static EtlException FromServer(MySqlException e, DatasetContract contract)
    {
        var what = $"MySQL load of table {MySqlSchema.Quote(contract.Table)} failed ({e.Number}: {e.Message}); nothing was loaded";
        if (e.IsTransient || e.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout
                or MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired)
        {
            return new EtlException(ErrorType.TransientError, what, e);
        }
        return e.Number switch
        {
            DuplicateKey => DuplicateKeyError(contract, e.Message, e),
            ColumnCannotBeNull => new EtlException(ErrorType.InvalidInput, $"NULL in a NOT NULL column: {what}", e),
            // data too long, out of range, incorrect value / date / string (strict mode turns these into errors)
            1406 or 1264 or 1265 or 1366 or 1292 or 1367 => new EtlException(ErrorType.DataLossError, what, e),
            KeyTooLong => new EtlException(ErrorType.ContractViolation, $"the contract's primary key is too long for a MySQL index: {what}", e),
            _ => new EtlException(ErrorType.InternalError, what, e),
        };
    }

    /// <summary><c>Duplicate entry 'eu-2024-01-01' for key 'PRIMARY'</c> → <c>'eu-2024-01-01'</c>.</summary>
    private static string? KeyOf(string message)
    {
        const string prefix = "Duplicate entry ";
        var start = message.IndexOf(prefix, StringComparison.Ordinal);
        var end = message.LastIndexOf(" for key", StringComparison.Ordinal);
        return start >= 0 && end > start ? message[(start + prefix.Length)..end] : null;
    }
}
