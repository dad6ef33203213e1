using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EtlFunction.Steps;

/// <summary>What one step returned: the typed result (for logs and metrics) and the JSON a host sends on.</summary>
public sealed record StepOutcome(object Result, string Json);

/// <summary>
/// One step as every host sees it: its handler name, how it reads its event, how it runs and which
/// counts it reports. The CLI's <c>invoke</c>, the Lambda host and the metrics all go through this
/// one object, so a new step is added in one place (<see cref="StepRegistry"/>) and cannot be
/// reachable from one host but not the other.
/// </summary>
public sealed class StepHandler
{
    private readonly Func<StepContext, string, CancellationToken, Task<StepOutcome>> _run;
    private readonly Func<RunState, IEnumerable<Metric?>> _measure;

    private StepHandler(string name, string summary, Func<StepContext, string, CancellationToken, Task<StepOutcome>> run, Func<RunState, IEnumerable<Metric?>>? measure)
    {
        Name = name;
        Summary = summary;
        _run = run;
        _measure = measure ?? (_ => []);
    }

    /// <summary>The handler name: the image <c>Command</c>, the <c>invoke</c> argument, the metrics' <c>Step</c> dimension.</summary>
    public string Name { get; }

    /// <summary>One line for the help text.</summary>
    public string Summary { get; }

    /// <summary>
    /// A handler from an event parser and a step: <paramref name="parse"/> turns the event JSON into the
    /// step's input (bad JSON is <see cref="Errors.ErrorType.InvalidInput"/>), <paramref name="measure"/>
    /// lists the counts the step produced when its result is a run state.
    /// </summary>
    public static StepHandler Create<TInput, TResult>(string name, string summary,
        Func<StepContext, string, TInput> parse,
        Func<StepContext, TInput, CancellationToken, Task<TResult>> run,
        Func<RunState, IEnumerable<Metric?>>? measure = null)
        where TResult : notnull
    {
        // Resolved here, when the registry is built, so a result type missing from JsonContext fails every
        // test that touches a handler instead of the first invocation of that step.
        var type = (JsonTypeInfo<TResult>)Json.Options.GetTypeInfo(typeof(TResult));
        return new(name, summary, async (ctx, json, ct) =>
        {
            var result = await run(ctx, parse(ctx, json), ct).ConfigureAwait(false);
            return new StepOutcome(result, JsonSerializer.Serialize(result, type));
        }, measure);
    }

    /// <summary>Parses the event, runs the step and serializes its result with <see cref="Json.Context"/>.</summary>
    public Task<StepOutcome> InvokeAsync(StepContext ctx, string input, CancellationToken ct) => _run(ctx, input, ct);

    /// <summary>The counts this step reports from the run state it returned (only those it produced).</summary>
    public IReadOnlyList<Metric> Measure(RunState state) => _measure(state).OfType<Metric>().ToList();
}
