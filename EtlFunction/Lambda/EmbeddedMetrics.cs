using System.Text;
using System.Text.Json;
using EtlFunction.Steps;

namespace EtlFunction.Lambda;

/// <summary>
/// CloudWatch Embedded Metric Format: a log line with an <c>_aws</c> envelope that CloudWatch turns
/// into metrics without any API call or agent (nothing to configure, no latency on the invocation).
/// One line per finished step, dimensions <c>[["Step","Dataset"]]</c>, so a dashboard shows rows and
/// bytes per dataset and step; the run id and request id ride along as searchable properties.
/// </summary>
public static class EmbeddedMetrics
{
    public const string DefaultNamespace = "EtlFunction";

    /// <summary>What a step measured, from the run state it returned (its <see cref="StepHandler.Measure"/>), and its duration.</summary>
    public static IReadOnlyList<Metric> For(string step, RunState state, double durationMs) =>
        StepRegistry.Find(step) is { } handler ? For(handler, state, durationMs) : [Duration(durationMs)];

    internal static IReadOnlyList<Metric> For(StepHandler handler, RunState state, double durationMs) =>
        [.. handler.Measure(state), Duration(durationMs)];

    private static Metric Duration(double ms) => new(Metric.DurationMs, "Milliseconds", Math.Round(ms, 3));

    /// <summary>The EMF line: <c>{"_aws":{...},"Step":..,"Dataset":..,"RowsRead":..,...}</c>.</summary>
    public static string Line(string step, string dataset, IReadOnlyList<Metric> metrics, DateTimeOffset now,
        string metricsNamespace = DefaultNamespace, params (string Key, string? Value)[] properties)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            w.WriteStartArray("CloudWatchMetrics");
            w.WriteStartObject();
            w.WriteString("Namespace", metricsNamespace);
            w.WriteStartArray("Dimensions");
            w.WriteStartArray();
            foreach (var dimension in Metric.Dimensions) w.WriteStringValue(dimension);
            w.WriteEndArray();
            w.WriteEndArray();
            w.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                w.WriteStartObject();
                w.WriteString("Name", metric.Name);
                w.WriteString("Unit", metric.Unit);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString(Metric.StepDimension, step);
            w.WriteString(Metric.DatasetDimension, dataset);
            foreach (var metric in metrics) w.WriteNumber(metric.Name, metric.Value);
            foreach (var (key, value) in properties)
            {
                if (value is not null) w.WriteString(key, value);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
