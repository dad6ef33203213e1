using System.Globalization;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// How long a load may be expected to take, so the load step can refuse one that cannot finish before the Lambda
/// deadline (issue #13). A load is one transaction in one invocation: cut off by the deadline, it rolls back
/// minutes of work, and every retry is cut off the same way. Refused up front, nothing is written and the error
/// says why (<see cref="ErrorType.LoadTooLarge"/>). The estimate is <see cref="StartUp"/> plus the rows at
/// <see cref="RowsPerSecond"/>, a deliberately low rate (about half the one measured on MariaDB, README
/// "Large files"), set per deployment with <c>ETL_LOAD_ROWS_PER_SECOND</c>.
/// </summary>
/// <param name="RowsPerSecond">The rate the estimate assumes; above zero.</param>
/// <param name="StartUp">Connection, ledger, schema check and commit: the part that does not grow with the rows.</param>
public sealed record LoadBudget(double RowsPerSecond, TimeSpan StartUp)
{
    public const string Variable = "ETL_LOAD_ROWS_PER_SECOND";

    /// <summary>100,000 rows/s (MariaDB here loads about 200,000) and 5 s of start-up.</summary>
    public static readonly LoadBudget Default = new(100_000, TimeSpan.FromSeconds(5));

    /// <summary>The expected duration of a load of <paramref name="rows"/> rows.</summary>
    public TimeSpan Estimate(long rows) => StartUp + TimeSpan.FromSeconds(Math.Max(0, rows) / RowsPerSecond);

    /// <summary>
    /// Throws <see cref="ErrorType.LoadTooLarge"/> when a load of <paramref name="rows"/> started at <paramref name="now"/>
    /// is expected to end after <paramref name="deadline"/>; with no deadline (the CLI) there is nothing to check.
    /// </summary>
    public void Check(long rows, DateTimeOffset now, DateTimeOffset? deadline)
    {
        if (deadline is not { } end) return;
        var estimate = Estimate(rows);
        var left = end - now;
        if (estimate <= left) return;
        var fits = Math.Max(0, (long)((left - StartUp).TotalSeconds * RowsPerSecond));
        var i = CultureInfo.InvariantCulture;
        throw new EtlException(ErrorType.LoadTooLarge,
            string.Create(i, $"the load of {rows:N0} rows would take about {estimate.TotalSeconds:F0} s ({RowsPerSecond:N0} rows/s, {Variable}, ") +
            string.Create(i, $"plus {StartUp.TotalSeconds:F0} s of start-up), but the invocation has {Math.Max(0, left.TotalSeconds):F0} s left ") +
            string.Create(i, $"(about {fits:N0} rows fit): one transaction cannot finish in one invocation; nothing was loaded. ") +
            "Split the source into smaller files, or raise the rate if the database is faster (README: Large files)");
    }

    /// <summary>The default, with <c>ETL_LOAD_ROWS_PER_SECOND</c> when set (a positive number; anything else is a deployment mistake).</summary>
    public static LoadBudget FromEnvironment(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var text = env(Variable);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && double.IsFinite(rate)
            ? Default with { RowsPerSecond = rate }
            : throw new EtlException(ErrorType.InternalError, $"configuration: {Variable} ('{text}') is not a positive number of rows per second");
    }
}
