namespace EtlFunction.Generator;

/// <summary>
/// The noise rates of the orders data, the same as the reference generator
/// (<c>shared/bench/gen_orders.py</c>). They are public so tests can check the observed rates
/// against the intended ones instead of repeating magic numbers.
/// </summary>
public static class OrdersNoise
{
    /// <summary>A row reuses the order_id of a uniformly chosen earlier row (fresh other fields).</summary>
    public const double DuplicateId = 0.005;
    /// <summary>The e-mail is upper-cased (half the time whole, half the time its first five characters).</summary>
    public const double EmailUpper = 0.04;
    /// <summary>The e-mail gets 1-3 spaces on both sides.</summary>
    public const double EmailSpaces = 0.04;
    /// <summary>The amount is one of <see cref="OrdersVocabulary.BadAmounts"/> (all unparsable: rejected by R3).</summary>
    public const double BadAmount = 0.005;
    /// <summary>The order_date is written as a valid <c>MM/dd/yyyy</c> date.</summary>
    public const double UsDate = 0.003;
    /// <summary>The order_date is one of <see cref="OrdersVocabulary.BadDates"/> (all rejected by R4).</summary>
    public const double BadDate = 0.002;
    /// <summary>The status is <c>test</c> (dropped by R7).</summary>
    public const double TestStatus = 0.01;
    /// <summary>The note is empty.</summary>
    public const double EmptyNote = 0.30;
    /// <summary>The note holds commas, double quotes and newlines (RFC-4180 quoted).</summary>
    public const double TrickyNote = 0.02;
    /// <summary>The quantity is negative, -1..-5 (rejected by R7).</summary>
    public const double NegativeQuantity = 0.002;

    internal static readonly Probability PDuplicateId = Probability.Of(DuplicateId);
    internal static readonly Probability PEmailUpper = Probability.Of(EmailUpper);
    internal static readonly Probability PHalf = Probability.Of(0.5);
    internal static readonly Probability PEmailSpaces = Probability.Of(EmailSpaces);
    internal static readonly Probability PBadAmount = Probability.Of(BadAmount);
    internal static readonly Probability PUsDate = Probability.Of(UsDate);
    internal static readonly Probability PUsOrBadDate = Probability.Of(UsDate + BadDate);
    internal static readonly Probability PTestStatus = Probability.Of(TestStatus);
    internal static readonly Probability PEmptyNote = Probability.Of(EmptyNote);
    internal static readonly Probability PEmptyOrPlainNote = Probability.Of(1 - TrickyNote);
    internal static readonly Probability PNegativeQuantity = Probability.Of(NegativeQuantity);
}
