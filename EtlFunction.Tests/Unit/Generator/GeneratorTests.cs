using System.Globalization;
using System.Text;
using EtlFunction.Generator;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Generator;

/// <summary>Determinism, exact row counts and the orders noise, read back with a real CSV parser.</summary>
[TestFixture]
public sealed class GeneratorTests
{
    private const int NoiseRows = 100_000;
    private static byte[]? _ordersNoiseFile;

    private static byte[] OrdersNoiseFile => _ordersNoiseFile ??= CsvRecords.Generate(new OrdersGenerator(NoiseRows, 7));

    [TestCase("orders")]
    [TestCase("titanic")]
    public void SameSeedGivesByteIdenticalOutput(string kind)
    {
        var a = CsvRecords.Generate(DataGenerators.Create(kind, 5_000, 123));
        var b = CsvRecords.Generate(DataGenerators.Create(kind, 5_000, 123));
        Assert.That(a, Is.EqualTo(b));
    }

    [TestCase("orders")]
    [TestCase("titanic")]
    public void DifferentSeedsGiveDifferentOutput(string kind)
    {
        var a = CsvRecords.Generate(DataGenerators.Create(kind, 1_000, 1));
        var b = CsvRecords.Generate(DataGenerators.Create(kind, 1_000, 2));
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(CsvRecords.Header(a), Is.EqualTo(CsvRecords.Header(b)));
    }

    [Test]
    public void Pcg32SequenceIsPinned()
    {
        // Committed samples and test expectations depend on this exact sequence: it must never change.
        var rnd = new Pcg32(42);
        uint[] first = [rnd.NextUInt32(), rnd.NextUInt32(), rnd.NextUInt32(), rnd.NextUInt32()];
        Assert.That(first, Is.EqualTo(PinnedPcg32Seed42));
    }

    private static readonly uint[] PinnedPcg32Seed42 = [3508393247, 2846903365, 3050928809, 2850731726];

    [Test]
    public void Pcg32BoundedDrawsStayInRangeAndCoverIt()
    {
        var rnd = new Pcg32(9);
        var seen = new int[7];
        for (var i = 0; i < 70_000; i++) seen[rnd.Next(7)]++;
        Assert.That(seen, Has.All.InRange(9_500, 10_500));
        for (var i = 0; i < 1_000; i++) Assert.That(rnd.Between(-5, -1), Is.InRange(-5, -1));
        Assert.That(rnd.NextInt64(5_000_000_000L), Is.InRange(0L, 4_999_999_999L));
    }

    [TestCase("orders", 0)]
    [TestCase("orders", 1)]
    [TestCase("orders", 9)]
    [TestCase("orders", 12_345)]
    [TestCase("titanic", 0)]
    [TestCase("titanic", 1)]
    [TestCase("titanic", 9)]
    [TestCase("titanic", 2_345)]
    public void RecordCountIsExact(string kind, int rows)
    {
        var csv = CsvRecords.Generate(DataGenerators.Create(kind, rows, 5));
        var records = CsvRecords.Read(csv, allowShortRows: kind == "titanic");
        Assert.That(records, Has.Count.EqualTo(rows));
        Assert.That(csv[^1], Is.EqualTo((byte)'\n'), "the last record ends with LF");
        Assert.That(Array.IndexOf(csv, (byte)'\r'), Is.EqualTo(-1), "LF line ends only");
    }

    private static readonly string[] ReferenceColumns =
    [
        "order_id", "customer_id", "customer_email", "country", "amount", "currency",
        "order_date", "created_at", "status", "is_gift", "note", "quantity",
    ];
    private static readonly string[] NegativeQuantities = ["-1", "-2", "-3", "-4", "-5"];

    [Test]
    public void OrdersHeaderIsTheTwelveReferenceColumns()
    {
        var csv = CsvRecords.Generate(new OrdersGenerator(1));
        Assert.That(CsvRecords.Header(csv), Is.EqualTo(ReferenceColumns));
    }

    [Test]
    public void OrdersNoiseRatesAreWithinTolerance()
    {
        var records = CsvRecords.Read(OrdersNoiseFile);
        Assert.That(records, Has.Count.EqualTo(NoiseRows));
        var ids = new HashSet<string>();
        int dupIds = 0, upper = 0, spaces = 0, badAmount = 0, usDate = 0, badDate = 0, test = 0, emptyNote = 0, tricky = 0, negative = 0;
        var gifts = new Dictionary<string, int>();
        foreach (var (_, f) in records)
        {
            if (!ids.Add(f[0])) dupIds++;
            if (f[2].Any(char.IsUpper)) upper++;
            if (f[2].StartsWith(' ')) spaces++;
            if (!IsPlainAmount(f[4])) badAmount++;
            if (IsDate(f[6], "MM/dd/yyyy")) usDate++;
            else if (!IsDate(f[6], "yyyy-MM-dd")) badDate++;
            if (f[8] == "test") test++;
            gifts[f[9]] = gifts.GetValueOrDefault(f[9]) + 1;
            if (f[10].Length == 0) emptyNote++;
            if (f[10].AsSpan().IndexOfAny(",\"\n") >= 0) tricky++;
            if (int.Parse(f[11], CultureInfo.InvariantCulture) < 0) negative++;
        }
        Assert.Multiple(() =>
        {
            AssertRate("duplicate order_id", dupIds, OrdersNoise.DuplicateId);
            AssertRate("upper-case email", upper, OrdersNoise.EmailUpper);
            AssertRate("email with spaces", spaces, OrdersNoise.EmailSpaces);
            AssertRate("bad amount", badAmount, OrdersNoise.BadAmount);
            AssertRate("MM/dd/yyyy order_date", usDate, OrdersNoise.UsDate);
            AssertRate("invalid order_date", badDate, OrdersNoise.BadDate);
            AssertRate("status test", test, OrdersNoise.TestStatus);
            AssertRate("empty note", emptyNote, OrdersNoise.EmptyNote);
            AssertRate("tricky note", tricky, OrdersNoise.TrickyNote);
            AssertRate("negative quantity", negative, OrdersNoise.NegativeQuantity);
            Assert.That(gifts.Keys, Is.EquivalentTo(OrdersVocabulary.Gifts));
            foreach (var (spelling, n) in gifts) AssertRate($"is_gift '{spelling}'", n, 1.0 / 6);
        });
    }

    [Test]
    public void OrdersEveryKindOfBadValueOccurs()
    {
        var records = CsvRecords.Read(OrdersNoiseFile);
        Assert.That(records.Select(r => r.Fields[4]).Distinct(), Is.SupersetOf(OrdersVocabulary.BadAmounts));
        Assert.That(records.Select(r => r.Fields[6]).Distinct(), Is.SupersetOf(OrdersVocabulary.BadDates));
        Assert.That(records.Select(r => r.Fields[11]).Distinct(), Is.SupersetOf(NegativeQuantities));
        Assert.That(records.Select(r => r.Fields[2]), Has.Some.Matches<string>(e => e.StartsWith("USER", StringComparison.Ordinal) && e.Any(char.IsLower)));
        Assert.That(records.Select(r => r.Fields[2]), Has.Some.Matches<string>(e => !e.Any(char.IsLower)));
    }

    [Test]
    public void OrdersQuotedNewlinesArePresentAndWellFormed()
    {
        var csv = OrdersNoiseFile;
        var records = CsvRecords.Read(csv);
        var multiLine = records.Where(r => r.Fields[10].Contains('\n')).ToList();
        Assert.That(multiLine, Is.Not.Empty);
        var tricky = records.Where(r => r.Fields[10].AsSpan().IndexOfAny(",\"\n") >= 0).Select(r => r.Fields[10]).Distinct();
        Assert.That(tricky, Is.SubsetOf(OrdersVocabulary.TrickyNotes), "quotes and newlines survive the round trip exactly");
        Assert.That(records, Has.All.Matches<(int Line, string[] Fields)>(r => r.Fields.Length == 12));

        var physicalLines = csv.Count(b => b == (byte)'\n');
        var embedded = records.Sum(r => r.Fields[10].Count(c => c == '\n'));
        Assert.That(physicalLines, Is.EqualTo(1 + records.Count + embedded));

        var text = Encoding.UTF8.GetString(csv);
        Assert.That(text, Does.Contain("\"Leave at door, ring \"\"twice\"\"\nThanks\""));
        Assert.That(text, Does.Not.Contain(",\"\","), "an empty field is written empty, never as \"\"");
    }

    [Test]
    public void OrdersFactsMatchTheParsedFileRowByRow()
    {
        var gen = new OrdersGenerator(20_000, 11);
        var records = CsvRecords.Read(CsvRecords.Generate(gen));
        var facts = gen.Facts().ToList();
        Assert.That(facts, Has.Count.EqualTo(records.Count));
        for (var i = 0; i < facts.Count; i++)
        {
            var (line, f) = records[i];
            var passes = OrdersReference.PassesRules(f, out var id, out var amount, out var quantity, out var gift);
            var fact = facts[i];
            if (fact.Record != i + 1 || fact.Line != line || fact.OrderId != id || fact.PassesRules != passes
                || fact.Quantity != quantity || (passes && (fact.Amount != amount || fact.IsGift != gift)))
                Assert.Fail($"record {i + 1} (line {line}): facts {fact} disagree with [{string.Join("|", f)}]");
        }
    }

    [Test]
    public void OrdersTruthAgreesWithANaiveTextBasedImplementationOfTheRules()
    {
        var gen = new OrdersGenerator(50_000, 3);
        var truth = new OrdersTruth();
        using var ms = new MemoryStream();
        gen.Write(ms, truth);
        var reference = OrdersReference.Apply(CsvRecords.Read(ms.ToArray()));
        Assert.Multiple(() =>
        {
            Assert.That(truth.Read, Is.EqualTo(reference.Read));
            Assert.That(truth.InvalidOrFiltered, Is.EqualTo(reference.Invalid));
            Assert.That(truth.SupersededDuplicates, Is.EqualTo(reference.Superseded));
            Assert.That(truth.Written, Is.EqualTo(reference.Written));
            Assert.That(truth.SumAmount, Is.EqualTo(reference.SumAmount));
            Assert.That(truth.SumQuantity, Is.EqualTo(reference.SumQuantity));
            Assert.That(truth.GiftTrue, Is.EqualTo(reference.GiftTrue));
            Assert.That(truth.SupersededDuplicates, Is.GreaterThan(0), "the sample exercises R8");
        });
        Assert.That(gen.ComputeTruth().ToString(), Is.EqualTo(truth.ToString()), "writing and not writing give the same truth");
    }

    [Test]
    public void OrdersTruthKeepsTheLastValidOccurrenceAndIgnoresInvalidOnes()
    {
        var truth = new OrdersTruth();
        const long a = OrdersGenerator.FirstOrderId, b = a + 1;
        truth.Add(new OrderRowFacts(1, 2, a, false, OrderFailures.None, 1_000, 2, true));
        truth.Add(new OrderRowFacts(2, 3, b, false, OrderFailures.None, 500, 1, false));
        truth.Add(new OrderRowFacts(3, 4, a, true, OrderFailures.None, 2_550, 3, false));
        truth.Add(new OrderRowFacts(4, 5, a, true, OrderFailures.StatusFiltered | OrderFailures.Amount, 0, 9, true));
        truth.Add(new OrderRowFacts(5, 6, b, true, OrderFailures.QuantityBelowOne, 700, -2, true));
        Assert.Multiple(() =>
        {
            Assert.That(truth.Read, Is.EqualTo(5));
            Assert.That(truth.InvalidOrFiltered, Is.EqualTo(2));
            Assert.That(truth.SupersededDuplicates, Is.EqualTo(1));
            Assert.That(truth.Written, Is.EqualTo(2));
            Assert.That(truth.SumAmount, Is.EqualTo(30.50m));
            Assert.That(truth.SumQuantity, Is.EqualTo(4));
            Assert.That(truth.GiftTrue, Is.EqualTo(0));
            Assert.That((truth.StatusFiltered, truth.AmountFailures, truth.QuantityFailures, truth.OrderDateFailures), Is.EqualTo((1L, 1L, 1L, 0L)));
        });
    }

    [TestCase("orders", "orders.csv", 5_000)]
    [TestCase("titanic", "titanic.csv", 900)]
    public void CommittedSampleIsWhatTheGeneratorWrites(string kind, string file, int rows)
    {
        var path = Path.Combine(RepositoryRoot(), "samples", file);
        var expected = CsvRecords.Generate(DataGenerators.Create(kind, rows, 42));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected), $"regenerate {path} as samples/README.md says");
    }

    [Test]
    public void OrdersSampleTruthIsTheOneDocumentedInSamplesReadme()
    {
        var truth = new OrdersGenerator(5_000, 42).ComputeTruth();
        Assert.That(truth.ToString(), Is.EqualTo(
            "read 5000, invalid or filtered 86 (amount 23, order_date 6, quantity 11, status test 47), superseded 21, "
            + "written 4893, sum(amount) 12208618.89, sum(quantity) 27081, gift true 2465"));
    }

    internal static void AssertRate(string what, long observed, double p, long n = NoiseRows)
    {
        var expected = n * p;
        var tolerance = 5 * Math.Sqrt(n * p * (1 - p)) + 1;
        Assert.That(Math.Abs(observed - expected), Is.LessThanOrEqualTo(tolerance),
            $"{what}: {observed} of {n}, expected {expected:F0} +- {tolerance:F0}");
    }

    private static bool IsPlainAmount(string s) =>
        s.Length >= 4 && s[^3] == '.' && s.Remove(s.Length - 3, 1).All(char.IsAsciiDigit);

    private static bool IsDate(string s, string format) =>
        DateOnly.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>The repository is always above the test binary; not finding it fails (it never silently skips).</summary>
    private static string RepositoryRoot() => RepoPaths.Root;
}
