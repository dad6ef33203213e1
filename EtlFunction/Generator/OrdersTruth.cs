namespace EtlFunction.Generator;

/// <summary>
/// The expected result of cleaning a generated orders file under RULES.md R1-R8, accumulated
/// from the generator's own choices (<see cref="OrderRowFacts"/>) rather than by parsing the text,
/// so an integration test can compare the pipeline's counts and sums with an independent answer.
/// R8 is applied as written: among the rows that pass R1-R7 the LAST occurrence of an order_id
/// wins; an invalid row never supersedes a valid one, and a superseded row's amount, quantity
/// and gift flag leave the totals.
/// </summary>
public sealed class OrdersTruth
{
    // Per order_id (dense from FirstOrderId) the currently kept valid row, packed as
    // cents << 5 | quantity << 1 | gift; 0 = no valid row yet (kept rows have quantity >= 1).
    private uint[] _kept = new uint[1024];
    private long _sumCents;

    /// <summary>Data records read.</summary>
    public long Read { get; private set; }
    /// <summary>Records that fail at least one of R1-R7 (rejected or filtered).</summary>
    public long InvalidOrFiltered { get; private set; }
    /// <summary>Records that pass R1-R7 but are dropped by R8 because a later valid record has the same order_id.</summary>
    public long SupersededDuplicates { get; private set; }
    /// <summary>Records written and loaded.</summary>
    public long Written => Read - InvalidOrFiltered - SupersededDuplicates;
    /// <summary>sum(amount) over the written records.</summary>
    public decimal SumAmount => _sumCents * 0.01m;
    /// <summary>sum(quantity) over the written records.</summary>
    public long SumQuantity { get; private set; }
    /// <summary>Written records whose is_gift maps to true.</summary>
    public long GiftTrue { get; private set; }

    /// <summary>Records failing R3 (amount). A record can be counted under several rules.</summary>
    public long AmountFailures { get; private set; }
    /// <summary>Records failing R4 (order_date).</summary>
    public long OrderDateFailures { get; private set; }
    /// <summary>Records failing R7 (quantity &lt; 1).</summary>
    public long QuantityFailures { get; private set; }
    /// <summary>Records dropped by R7 (status <c>test</c>).</summary>
    public long StatusFiltered { get; private set; }

    /// <summary>Adds one row, in file order.</summary>
    public void Add(in OrderRowFacts row)
    {
        Read++;
        var f = row.Failures;
        if ((f & OrderFailures.Amount) != 0) AmountFailures++;
        if ((f & OrderFailures.OrderDate) != 0) OrderDateFailures++;
        if ((f & OrderFailures.QuantityBelowOne) != 0) QuantityFailures++;
        if ((f & OrderFailures.StatusFiltered) != 0) StatusFiltered++;
        if (f != OrderFailures.None)
        {
            InvalidOrFiltered++;
            return;
        }
        var slot = Slot(row.OrderId);
        var previous = _kept[slot];
        if (previous != 0)
        {
            SupersededDuplicates++;
            Remove(previous);
        }
        var packed = Pack(row);
        _kept[slot] = packed;
        _sumCents += packed >> 5;
        SumQuantity += (packed >> 1) & 15;
        GiftTrue += packed & 1;
    }

    public override string ToString() =>
        $"read {Read}, invalid or filtered {InvalidOrFiltered} (amount {AmountFailures}, order_date {OrderDateFailures}, "
        + $"quantity {QuantityFailures}, status test {StatusFiltered}), superseded {SupersededDuplicates}, written {Written}, "
        + $"sum(amount) {SumAmount}, sum(quantity) {SumQuantity}, gift true {GiftTrue}";

    private void Remove(uint packed)
    {
        _sumCents -= packed >> 5;
        SumQuantity -= (packed >> 1) & 15;
        GiftTrue -= packed & 1;
    }

    private static uint Pack(in OrderRowFacts row)
    {
        if (row.AmountCents is < 0 or > (1 << 26) - 1 || row.Quantity is < 1 or > 15)
            throw new ArgumentOutOfRangeException(nameof(row), row, "amount or quantity outside the generator's ranges");
        return ((uint)row.AmountCents << 5) | ((uint)row.Quantity << 1) | (row.IsGift ? 1u : 0u);
    }

    private int Slot(long orderId)
    {
        var slot = orderId - OrdersGenerator.FirstOrderId;
        if (slot is < 0 or > int.MaxValue - 1)
            throw new ArgumentOutOfRangeException(nameof(orderId), orderId, "not an id the orders generator hands out");
        if (slot >= _kept.Length) Array.Resize(ref _kept, (int)Math.Min(Math.Max(slot + 1, _kept.Length * 2L), Array.MaxLength));
        return (int)slot;
    }
}
