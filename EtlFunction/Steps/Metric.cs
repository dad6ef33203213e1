namespace EtlFunction.Steps;

/// <summary>
/// One number a finished step measured (rows, bytes, milliseconds). It lives with the steps because
/// each step's registry entry says which counts it produced; the Lambda host only formats them.
/// </summary>
public sealed record Metric(string Name, string Unit, double Value)
{
    public const string RowsRead = "RowsRead";
    public const string RowsWritten = "RowsWritten";
    public const string RowsRejected = "RowsRejected";
    public const string RowsFiltered = "RowsFiltered";
    public const string RowsLoaded = "RowsLoaded";
    public const string BytesRead = "BytesRead";
    public const string BytesWritten = "BytesWritten";
    public const string DurationMs = "DurationMs";
    /// <summary>Rejected rows as a percentage of the rows read, for the whole run (finalize): what the reject alarm watches.</summary>
    public const string RejectedPercent = "RejectedPercent";

    /// <summary>
    /// Every metric name a step can emit: the one list the CloudWatch alarms and dashboard in template.yaml are
    /// held to by a test, so a renamed count cannot leave a graph or an alarm watching nothing.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
        [RowsRead, RowsWritten, RowsRejected, RowsFiltered, RowsLoaded, BytesRead, BytesWritten, DurationMs, RejectedPercent];

    /// <summary>The dimension naming the step (the handler name).</summary>
    public const string StepDimension = "Step";
    /// <summary>The dimension naming the dataset.</summary>
    public const string DatasetDimension = "Dataset";

    /// <summary>The one dimension set every metric is emitted with (EMF <c>Dimensions: [["Step","Dataset"]]</c>).</summary>
    public static IReadOnlyList<string> Dimensions { get; } = [StepDimension, DatasetDimension];

    /// <summary>A row count, or null when the step did not produce it.</summary>
    public static Metric? Count(string name, long? value) => value is { } v ? new(name, "Count", v) : null;

    /// <summary>A byte count, or null when the step did not produce it.</summary>
    public static Metric? Bytes(string name, long? value) => value is { } v ? new(name, "Bytes", v) : null;

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, or null when either is unknown or the whole is 0.</summary>
    public static Metric? Percent(string name, long? part, long? whole) =>
        part is { } p && whole is { } w && w > 0 ? new(name, "Percent", Math.Round(100.0 * p / w, 3)) : null;
}
