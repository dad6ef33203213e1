namespace EtlFunction.Contracts;

/// <summary>
/// A predicate on one column's typed value, used both for checks (a failing row is rejected with
/// the reason) and for filters (a row is kept or dropped and counted as filtered). All parts that
/// are set must hold. Values are kept as the contract's text and compared after parsing with the
/// column's own type, so <c>min: 1</c> means 1 as an int and <c>2023-01-01</c> as a date.
/// </summary>
public sealed record Condition
{
    public string? EqualsValue { get; init; }
    public string? NotEqualsValue { get; init; }
    public IReadOnlyList<string>? In { get; init; }
    public IReadOnlyList<string>? NotIn { get; init; }
    public string? Min { get; init; }
    public string? Max { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    /// <summary>true: holds only for NULL; false: holds only for a non-NULL value.</summary>
    public bool? IsNull { get; init; }

    public bool IsEmpty => EqualsValue is null && NotEqualsValue is null && In is null && NotIn is null
        && Min is null && Max is null && MinLength is null && MaxLength is null && Pattern is null && IsNull is null;
}

/// <summary>Keep or drop rows on a condition of one column. Filtered rows are counted, never silently lost.</summary>
public sealed record RowFilter(string Column, bool Keep, Condition Condition, int Line);
