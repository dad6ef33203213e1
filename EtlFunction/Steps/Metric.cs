namespace EtlFunction.Steps;

/// <summary>
/// One number a finished step measured (rows, bytes, milliseconds). It lives with the steps because
/// each step's registry entry says which counts it produced; the Lambda host only formats them.
/// </summary>
public sealed record Metric(string Name, string Unit, double Value)
{
    /// <summary>A row count, or null when the step did not produce it.</summary>
    public static Metric? Count(string name, long? value) => value is { } v ? new(name, "Count", v) : null;

    /// <summary>A byte count, or null when the step did not produce it.</summary>
    public static Metric? Bytes(string name, long? value) => value is { } v ? new(name, "Bytes", v) : null;
}
