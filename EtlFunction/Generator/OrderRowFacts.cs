namespace EtlFunction.Generator;

/// <summary>
/// Which of the cleaning rules R1-R7 (<c>shared/bench/RULES.md</c>) a generated order row is
/// built to fail. A row can fail several. The generator knows this from its own choices, so tests
/// get an answer that does not come from the parser under test.
/// </summary>
[Flags]
public enum OrderFailures
{
    None = 0,
    /// <summary>R3: the amount is one of the unparsable spellings.</summary>
    Amount = 1,
    /// <summary>R4: the order_date is impossible, malformed or empty.</summary>
    OrderDate = 2,
    /// <summary>R7: the quantity is below 1.</summary>
    QuantityBelowOne = 4,
    /// <summary>R7: the status is <c>test</c>.</summary>
    StatusFiltered = 8,
}

/// <summary>
/// What the generator knows about one emitted order row: its position, its key and whether it
/// should survive R1-R7, plus the typed values R8 and the totals need.
/// </summary>
/// <param name="Record">1-based data record number (the header is not counted).</param>
/// <param name="Line">1-based physical line the record starts on (the header is line 1; quoted newlines in notes push later records down).</param>
/// <param name="OrderId">The order_id written.</param>
/// <param name="IsDuplicateId">True when the order_id repeats an earlier row's.</param>
/// <param name="Failures">The rules R1-R7 this row fails.</param>
/// <param name="AmountCents">The amount in cents when it is valid; 0 when <see cref="OrderFailures.Amount"/> is set.</param>
/// <param name="Quantity">The quantity written.</param>
/// <param name="IsGift">What R6 maps the is_gift spelling to.</param>
public readonly record struct OrderRowFacts(
    long Record, long Line, long OrderId, bool IsDuplicateId, OrderFailures Failures,
    long AmountCents, int Quantity, bool IsGift)
{
    /// <summary>True when the row passes R1-R7 (it may still be superseded by R8).</summary>
    public bool PassesRules => Failures == OrderFailures.None;

    /// <summary>The amount as DECIMAL(12,2), or null when it is one of the bad spellings.</summary>
    public decimal? Amount => (Failures & OrderFailures.Amount) != 0 ? null : AmountCents * 0.01m;
}
