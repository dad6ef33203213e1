using System.Globalization;

namespace EtlFunction.Lambda;

/// <summary>
/// One event handed out by <c>GET runtime/invocation/next</c>: the request id every answer must
/// name, the payload (the step's input JSON), and the context Lambda sends in headers. The
/// client context and Cognito identity headers are deliberately not read: no step uses them, so
/// a malformed value there can never fail an invocation.
/// </summary>
public sealed record Invocation(string RequestId, string Payload)
{
    /// <summary>When Lambda will stop the function; null when the header is missing or not a plausible time (see <see cref="Deadlines"/>).</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The deadline header as sent, for the log when it was not usable.</summary>
    public string? RawDeadline { get; init; }

    public string? FunctionArn { get; init; }

    /// <summary>The X-Ray trace header; exported as <c>_X_AMZN_TRACE_ID</c> for the duration of the invocation.</summary>
    public string? TraceId { get; init; }
}

/// <summary>
/// Reads <c>Lambda-Runtime-Deadline-Ms</c>. Real Lambda sends the deadline as Unix epoch
/// milliseconds; @vercel/fun sends the constant <c>5000</c>. A value before 2020 or after 2100 is
/// not a plausible epoch time and is treated as <b>no deadline known</b> (not as "5 s from now"):
/// the emulator enforces no timeout at all, and a 5 s budget would cancel any real file.
/// </summary>
public static class Deadlines
{
    private const long EarliestPlausibleMs = 1_577_836_800_000; // 2020-01-01T00:00:00Z
    private const long LatestPlausibleMs = 4_102_444_800_000;   // 2100-01-01T00:00:00Z

    public static DateTimeOffset? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        if (!long.TryParse(header.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)) return null;
        if (ms < EarliestPlausibleMs || ms > LatestPlausibleMs) return null;
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>
    /// How long before the deadline the step is cancelled: a tenth of the time left, at most
    /// <paramref name="maxMargin"/> — enough to post the error before Lambda kills the process.
    /// </summary>
    public static TimeSpan Margin(TimeSpan remaining, TimeSpan maxMargin, double fraction)
    {
        if (remaining <= TimeSpan.Zero) return TimeSpan.Zero;
        var share = remaining * fraction;
        return share < maxMargin ? share : maxMargin;
    }
}
