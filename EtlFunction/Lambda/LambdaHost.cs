using EtlFunction.Steps;

namespace EtlFunction.Lambda;

/// <summary>Tuning of the host loop; the defaults are what production uses.</summary>
public sealed record LambdaHostOptions
{
    /// <summary>The step is cancelled this long before the deadline at most (a tenth of the time left when that is less).</summary>
    public TimeSpan MaxSafetyMargin { get; init; } = TimeSpan.FromSeconds(10);
    public double SafetyFraction { get; init; } = 0.1;
    public string MetricsNamespace { get; init; } = EmbeddedMetrics.DefaultNamespace;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The Runtime API loop for one handler (step): next → run the step → response or error, until the
/// process is stopped. It runs the step through its <see cref="StepRegistry"/> entry, the same
/// one as <c>EtlFunction invoke STEP</c>, so Lambda and CLI differ only in the host. A failing
/// step never ends the loop: it becomes an error report with the <c>errorType</c> Step Functions matches.
/// </summary>
public sealed class LambdaHost
{
    public const string TraceVariable = "_X_AMZN_TRACE_ID";

    private readonly RuntimeApiClient _api;
    private readonly StepHandler _handler;
    private readonly Func<StepContext> _contexts;
    private readonly JsonLogger _log;
    private readonly LambdaHostOptions _options;

    /// <remarks>
    /// <c>contexts</c> builds the step context for each invocation: the seam between host and configuration
    /// (the local folder/SQLite context today, the S3/MySQL one in AWS; a factory that reuses clients caches them).
    /// </remarks>
    public LambdaHost(RuntimeApiClient api, string handler, Func<StepContext> contexts, JsonLogger log, LambdaHostOptions? options = null)
    {
        _handler = StepRegistry.All.FirstOrDefault(h => h.Name == handler) ?? throw new ArgumentException($"unknown handler '{handler}'", nameof(handler));
        _api = api;
        _contexts = contexts;
        _log = log;
        _options = options ?? new LambdaHostOptions();
    }

    /// <summary>
    /// Serves invocations until <paramref name="ct"/> is cancelled (then returns normally). A Runtime API
    /// failure on <c>next</c> is thrown: without the API the sandbox is gone.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var invocation = await _api.NextAsync(ct).ConfigureAwait(false);
                await HandleAsync(invocation, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped (tests, Ctrl+C); in Lambda the process is frozen or killed instead
        }
    }

    /// <summary>Runs one invocation and posts its outcome; never throws for a step failure.</summary>
    public async Task HandleAsync(Invocation invocation, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable(TraceVariable, invocation.TraceId); // null clears the previous one
        _log.RequestId = invocation.RequestId;
        _log.Step = _handler.Name;
        try
        {
            var (result, error) = await RunStepAsync(invocation, ct).ConfigureAwait(false);
            try
            {
                if (error is null) await _api.PostResponseAsync(invocation.RequestId, result!, ct).ConfigureAwait(false);
                else await _api.PostErrorAsync(invocation.RequestId, error, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                _log.Error("could not deliver the outcome to the Runtime API", ("error", e.Message));
            }
        }
        finally
        {
            _log.RequestId = null;
        }
    }

    private async Task<(string? Result, ErrorReport? Error)> RunStepAsync(Invocation invocation, CancellationToken ct)
    {
        var clock = _options.Clock;
        var started = clock.GetTimestamp();
        using var deadline = DeadlineSource(invocation, out var cancelAt);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline?.Token ?? CancellationToken.None);
        _log.Info("invocation started",
            ("deadline", invocation.Deadline),
            ("cancelAt", cancelAt),
            ("deadlineHeader", invocation.Deadline is null ? invocation.RawDeadline : null),
            ("deadlineNote", invocation.Deadline is null ? "no usable deadline (missing or not epoch milliseconds): the step is not cancelled early" : null),
            ("functionArn", invocation.FunctionArn),
            ("payloadBytes", System.Text.Encoding.UTF8.GetByteCount(invocation.Payload)));
        var (result, error) = deadline?.IsCancellationRequested == true
            ? (null, ErrorReport.DeadlineReached())
            : await ExecuteAsync(invocation, deadline, cancelAt, linked.Token, ct).ConfigureAwait(false);
        if (error is null)
        {
            Succeeded(result!.Result, clock.GetElapsedTime(started).TotalMilliseconds);
            return (result.Json, null);
        }
        _log.Error("step failed",
            ("errorType", error.ErrorType),
            ("errorMessage", error.ErrorMessage),
            ("durationMs", Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 3)),
            ("stackTrace", error.ErrorType == nameof(Errors.ErrorType.InternalError) ? error.StackTrace : null));
        return (null, error);
    }

    private async Task<(StepOutcome? Result, ErrorReport? Error)> ExecuteAsync(Invocation invocation, CancellationTokenSource? deadline, DateTimeOffset? cancelAt, CancellationToken stepToken, CancellationToken ct)
    {
        try
        {
            var context = _contexts().WithDeadline(cancelAt);
            return (await _handler.InvokeAsync(context, invocation.Payload, stepToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Cancellation surfaces as many exception types; once the deadline fired, anything but the step's own verdict is "ran out of time".
            var report = deadline?.IsCancellationRequested == true && !ErrorReport.IsStepDecision(e)
                ? ErrorReport.DeadlineReached(e)
                : ErrorReport.From(e);
            return (null, report);
        }
    }

    /// <summary>A source that fires a safety margin before a known deadline; null when no deadline is known.</summary>
    private CancellationTokenSource? DeadlineSource(Invocation invocation, out DateTimeOffset? cancelAt)
    {
        cancelAt = null;
        if (invocation.Deadline is not { } deadline) return null;
        var now = _options.Clock.GetUtcNow();
        var remaining = deadline - now;
        var at = deadline - Deadlines.Margin(remaining, _options.MaxSafetyMargin, _options.SafetyFraction);
        cancelAt = at;
        var delay = at - now;
        var source = new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _options.Clock);
        if (delay <= TimeSpan.Zero) source.Cancel();
        return source;
    }

    private void Succeeded(object result, double durationMs)
    {
        // Quarantine returns an object reference, the split steps their own small documents: only a run state has counts.
        if (result is not RunState state)
        {
            _log.Info("step succeeded", ("durationMs", Math.Round(durationMs, 3)));
            return;
        }
        _log.Info("step succeeded",
            ("durationMs", Math.Round(durationMs, 3)),
            ("runId", state.RunId),
            ("dataset", state.Dataset),
            ("counts", new Dictionary<string, long?>
            {
                ["rowsRead"] = state.RowsRead,
                ["rowsWritten"] = state.RowsWritten,
                ["rowsFiltered"] = state.RowsFiltered,
                ["rowsRejected"] = state.RowsRejected,
                ["rowsDeduplicated"] = state.RowsDeduplicated,
                ["rowsLoaded"] = state.RowsLoaded,
            }));
        var metrics = EmbeddedMetrics.For(_handler, state, durationMs);
        _log.WriteLine(EmbeddedMetrics.Line(_handler.Name, state.Dataset, metrics, _options.Clock.GetUtcNow(), _options.MetricsNamespace,
            ("runId", state.RunId), ("requestId", _log.RequestId)));
    }
}
