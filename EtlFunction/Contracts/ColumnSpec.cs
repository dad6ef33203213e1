namespace EtlFunction.Contracts;

/// <summary>
/// One column of a dataset contract: where it comes from (the source header), what it becomes
/// (a safe SQL identifier and a type), and the rules a value must pass.
/// </summary>
public sealed record ColumnSpec
{
    /// <summary>Target name: a safe SQL identifier used in the processed CSV, the table and Parquet.</summary>
    public required string Name { get; init; }
    /// <summary>
    /// The header text in the source file (defaults to <see cref="Name"/>). A file may repeat a
    /// header text; several columns may then name the same source and they match its occurrences
    /// left to right (the first such column the first occurrence, and so on).
    /// </summary>
    public required string Source { get; init; }
    public required ColumnType Type { get; init; }
    public bool Nullable { get; init; } = true;
    /// <summary>Tokens read as NULL for this column; null means the contract-wide list.</summary>
    public IReadOnlyList<string>? NullValues { get; init; }
    /// <summary>Accepted input formats for date/timestamp (tried in order), e.g. <c>yyyy-MM-dd</c>.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];
    public IReadOnlyList<string> TrueValues { get; init; } = ["true", "1", "yes", "y", "t"];
    public IReadOnlyList<string> FalseValues { get; init; } = ["false", "0", "no", "n", "f"];
    /// <summary>A thousands separator that numbers may contain (e.g. <c>,</c>); none by default, so <c>1,234</c> is rejected.</summary>
    public char? ThousandsSeparator { get; init; }
    public IReadOnlyList<Transform> Transforms { get; init; } = [];
    public Condition? Check { get; init; }
    /// <summary>The YAML line the column was declared on (0 when built in code).</summary>
    public int Line { get; init; }
}
