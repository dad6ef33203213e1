using System.Buffers.Text;

namespace EtlFunction.Generator;

/// <summary>
/// Streams a deterministic orders CSV with the columns and the kinds and rates of noise of the
/// reference generator (<c>shared/bench/gen_orders.py</c>, rates in <see cref="OrdersNoise"/>), so
/// benchmarks and integration tests can make files of any size without committing them. The same
/// (rows, seed) gives byte-identical output on every .NET version and machine (<see cref="Pcg32"/>,
/// integer-only formatting); it is not byte-identical to the Python file. Memory does not grow
/// with the row count unless an <see cref="OrdersTruth"/> is requested.
/// </summary>
public sealed class OrdersGenerator : IDataGenerator
{
    /// <summary>The first fresh order_id; later fresh ids follow without gaps.</summary>
    public const long FirstOrderId = 1_000_001;
    public const ulong DefaultSeed = 42;

    public OrdersGenerator(long rows, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
        Seed = seed;
    }

    public string Name => "orders";
    public long Rows { get; }
    public ulong Seed { get; }

    /// <summary>Writes the header and <see cref="Rows"/> records; returns the bytes written.</summary>
    public long Write(Stream output) => Write(output, truth: null);

    /// <summary>Writes the file and, when given, feeds every row's facts to <paramref name="truth"/>.</summary>
    public long Write(Stream output, OrdersTruth? truth)
    {
        using var csv = new MinimalCsvWriter(output, leaveOpen: true);
        foreach (var c in OrdersVocabulary.Columns) csv.Field(c);
        csv.EndRow();
        var rnd = new Pcg32(Seed);
        var nextId = FirstOrderId;
        var line = 2L;
        for (var record = 1L; record <= Rows; record++)
        {
            var d = OrderDraw.Next(rnd, ref nextId);
            Render(csv, in d);
            truth?.Add(d.ToFacts(record, line));
            line += d.LineCount;
        }
        csv.Flush();
        return csv.BytesWritten;
    }

    /// <summary>
    /// The facts of every row <see cref="Write(Stream)"/> would write, in file order, without
    /// writing anything: tests compare them row by row with what the pipeline did.
    /// </summary>
    public IEnumerable<OrderRowFacts> Facts()
    {
        var rnd = new Pcg32(Seed);
        var nextId = FirstOrderId;
        var line = 2L;
        for (var record = 1L; record <= Rows; record++)
        {
            var d = OrderDraw.Next(rnd, ref nextId);
            yield return d.ToFacts(record, line);
            line += d.LineCount;
        }
    }

    public long? ExpectedRowsWritten() => ComputeTruth().Written;

    /// <summary>The truth for this (rows, seed) without writing the file.</summary>
    public OrdersTruth ComputeTruth()
    {
        var truth = new OrdersTruth();
        foreach (var f in Facts()) truth.Add(f);
        return truth;
    }

    private static void Render(MinimalCsvWriter csv, in OrderDraw d)
    {
        Span<byte> buf = stackalloc byte[64];
        csv.Field(d.OrderId);
        csv.Field(d.CustomerId);
        csv.Field(RenderEmail(in d, buf));
        csv.Field(OrdersVocabulary.CountryBytes[d.Country]);
        if (d.BadAmount >= 0) csv.Field(OrdersVocabulary.BadAmountBytes[d.BadAmount]);
        else csv.Field(RenderCents(d.AmountCents, buf));
        csv.Field(OrdersVocabulary.CurrencyBytes[d.Currency]);
        csv.Field(d.DateStyle switch
        {
            OrderDateStyle.Us => OrdersVocabulary.UsDays[d.Day],
            OrderDateStyle.Bad => OrdersVocabulary.BadDateBytes[d.BadDate],
            _ => OrdersVocabulary.IsoDays[d.Day],
        });
        csv.Field(RenderCreatedAt(d.Day, d.SecondOfDay, buf));
        csv.Field(d.Status < 0 ? "test"u8 : OrdersVocabulary.StatusBytes[d.Status]);
        csv.Field(OrdersVocabulary.GiftBytes[d.Gift]);
        if (d.Tricky >= 0) csv.Field(OrdersVocabulary.TrickyNoteBytes[d.Tricky]);
        else if (d.NoteWordCount == 0) csv.Empty();
        else csv.Field(RenderWords(d.NoteWordCount, d.NoteWords, buf));
        csv.Field(d.Quantity);
        csv.EndRow();
    }

    private static ReadOnlySpan<byte> RenderEmail(in OrderDraw d, Span<byte> buf)
    {
        var n = 0;
        for (var i = 0; i < d.LeadSpaces; i++) buf[n++] = (byte)' ';
        var start = n;
        "user"u8.CopyTo(buf[n..]);
        n += 4;
        Utf8Formatter.TryFormat(d.CustomerId, buf[n..], out var w);
        n += w;
        buf[n++] = (byte)'@';
        var domain = OrdersVocabulary.DomainBytes[d.CustomerId % 4];
        domain.CopyTo(buf[n..]);
        n += domain.Length;
        var upperEnd = d.EmailCase switch { 1 => n, 2 => start + 5, _ => start };
        for (var i = start; i < upperEnd; i++)
            if (buf[i] is >= (byte)'a' and <= (byte)'z') buf[i] -= 32;
        for (var i = 0; i < d.TrailSpaces; i++) buf[n++] = (byte)' ';
        return buf[..n];
    }

    private static ReadOnlySpan<byte> RenderCents(int cents, Span<byte> buf)
    {
        Utf8Formatter.TryFormat(cents / 100, buf, out var n);
        buf[n++] = (byte)'.';
        var frac = cents % 100;
        buf[n++] = (byte)('0' + frac / 10);
        buf[n++] = (byte)('0' + frac % 10);
        return buf[..n];
    }

    private static ReadOnlySpan<byte> RenderCreatedAt(int day, int secondOfDay, Span<byte> buf)
    {
        OrdersVocabulary.IsoDays[day].CopyTo(buf);
        buf[10] = (byte)'T';
        TwoDigits(buf[11..], secondOfDay / 3600);
        buf[13] = (byte)':';
        TwoDigits(buf[14..], secondOfDay / 60 % 60);
        buf[16] = (byte)':';
        TwoDigits(buf[17..], secondOfDay % 60);
        buf[19] = (byte)'Z';
        return buf[..20];
    }

    private static ReadOnlySpan<byte> RenderWords(int count, int words, Span<byte> buf)
    {
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0) buf[n++] = (byte)' ';
            var w = OrdersVocabulary.WordBytes[(words >> (5 * i)) & 31];
            w.CopyTo(buf[n..]);
            n += w.Length;
        }
        return buf[..n];
    }

    private static void TwoDigits(Span<byte> dest, int v)
    {
        dest[0] = (byte)('0' + v / 10);
        dest[1] = (byte)('0' + v % 10);
    }
}
