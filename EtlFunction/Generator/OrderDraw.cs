namespace EtlFunction.Generator;

/// <summary>How the order_date of a row is spelled.</summary>
internal enum OrderDateStyle : byte { Iso, Us, Bad }

/// <summary>
/// All random choices for one order row, held as small integers. Drawing and rendering are split
/// so the same draws feed both the CSV bytes and the truth (<see cref="OrderRowFacts"/>): the truth
/// is derived from the choices, never from re-reading the text.
/// </summary>
internal struct OrderDraw
{
    public long OrderId;
    public bool IsDuplicateId;
    public int CustomerId;
    public byte EmailCase; // 0 as is, 1 whole upper, 2 first five characters upper
    public byte LeadSpaces;
    public byte TrailSpaces;
    public int AmountCents;
    public int BadAmount; // index into BadAmounts, -1 when the amount is valid
    public int Day;
    public OrderDateStyle DateStyle;
    public int BadDate; // index into BadDates when DateStyle is Bad
    public int SecondOfDay;
    public int Status; // index into Statuses, -1 for "test"
    public int Gift;
    public int NoteWordCount; // 0 with Tricky < 0 means empty
    public int NoteWords; // up to six 5-bit word indices
    public int Tricky; // index into TrickyNotes, -1 when not tricky
    public int Quantity;
    public int Country;
    public int Currency;

    /// <summary>Draws one row. <paramref name="nextId"/> is the next fresh order_id; ids below it have been used.</summary>
    public static OrderDraw Next(Pcg32 rnd, ref long nextId)
    {
        var d = new OrderDraw();
        var used = nextId - OrdersGenerator.FirstOrderId;
        if (used > 0 && rnd.Chance(OrdersNoise.PDuplicateId))
        {
            // The ids handed out so far are exactly FirstOrderId..nextId-1, so "a random earlier
            // row's id" needs no list: O(1) memory however many rows are generated.
            d.OrderId = OrdersGenerator.FirstOrderId + rnd.NextInt64(used);
            d.IsDuplicateId = true;
        }
        else
        {
            d.OrderId = nextId++;
        }
        d.CustomerId = rnd.Between(1, 200_000);
        if (rnd.Chance(OrdersNoise.PEmailUpper)) d.EmailCase = rnd.Chance(OrdersNoise.PHalf) ? (byte)1 : (byte)2;
        if (rnd.Chance(OrdersNoise.PEmailSpaces))
        {
            d.LeadSpaces = (byte)rnd.Between(1, 3);
            d.TrailSpaces = (byte)rnd.Between(1, 3);
        }
        d.AmountCents = rnd.Between(100, 500_000);
        d.BadAmount = rnd.Chance(OrdersNoise.PBadAmount) ? rnd.Next(OrdersVocabulary.BadAmounts.Length) : -1;
        d.Day = rnd.Next(OrdersVocabulary.DayCount);
        var x = rnd.NextUInt32();
        if (x < OrdersNoise.PUsDate.Threshold) d.DateStyle = OrderDateStyle.Us;
        else if (x < OrdersNoise.PUsOrBadDate.Threshold)
        {
            d.DateStyle = OrderDateStyle.Bad;
            d.BadDate = rnd.Next(OrdersVocabulary.BadDates.Length);
        }
        d.SecondOfDay = rnd.Next(86_400);
        d.Status = rnd.Chance(OrdersNoise.PTestStatus) ? -1 : rnd.Next(OrdersVocabulary.Statuses.Length);
        d.Gift = rnd.Next(OrdersVocabulary.Gifts.Length);
        d.Tricky = -1;
        x = rnd.NextUInt32();
        if (x >= OrdersNoise.PEmptyOrPlainNote.Threshold) d.Tricky = rnd.Next(OrdersVocabulary.TrickyNotes.Length);
        else if (x >= OrdersNoise.PEmptyNote.Threshold)
        {
            d.NoteWordCount = rnd.Between(1, 6);
            for (var i = 0; i < d.NoteWordCount; i++) d.NoteWords |= rnd.Next(OrdersVocabulary.Words.Length) << (5 * i);
        }
        d.Quantity = rnd.Chance(OrdersNoise.PNegativeQuantity) ? -rnd.Between(1, 5) : rnd.Between(1, 10);
        d.Country = rnd.Next(OrdersVocabulary.Countries.Length);
        d.Currency = rnd.Next(OrdersVocabulary.Currencies.Length);
        return d;
    }

    public readonly OrderFailures Failures
    {
        get
        {
            var f = OrderFailures.None;
            if (BadAmount >= 0) f |= OrderFailures.Amount;
            if (DateStyle == OrderDateStyle.Bad) f |= OrderFailures.OrderDate;
            if (Quantity < 1) f |= OrderFailures.QuantityBelowOne;
            if (Status < 0) f |= OrderFailures.StatusFiltered;
            return f;
        }
    }

    /// <summary>Physical lines the rendered record spans.</summary>
    public readonly int LineCount => 1 + (Tricky >= 0 ? OrdersVocabulary.TrickyNoteNewlines[Tricky] : 0);

    public readonly OrderRowFacts ToFacts(long record, long line)
    {
        var failures = Failures;
        return new OrderRowFacts(record, line, OrderId, IsDuplicateId, failures,
            (failures & OrderFailures.Amount) != 0 ? 0 : AmountCents, Quantity, OrdersVocabulary.GiftIsTrue(Gift));
    }
}
