using System.Globalization;
using System.Text;
using EtlFunction.Generator;
using EtlFunction.Tests.Support;

namespace EtlFunction.Tests.Unit.Generator;

/// <summary>The Titanic generator: Kaggle shapes, and every dirt kind present exactly where the facts say.</summary>
[TestFixture]
public sealed class TitanicGeneratorTests
{
    private static readonly string[] Ports = ["", "S", "C", "Q"];
    private static readonly string[] Classes = ["1", "2", "3"];
    private static readonly string[] Sexes = ["male", "female"];

    [Test]
    public void HeaderIsTheKaggleColumns()
    {
        var csv = CsvRecords.Generate(new TitanicGenerator(1));
        Assert.That(Encoding.UTF8.GetString(csv), Does.StartWith(
            "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked\n"));
    }

    [TestCase(42UL)]
    [TestCase(1UL)]
    [TestCase(2024UL)]
    public void EveryDirtKindOccursAndOnlyWhereTheFactsSayIt(ulong seed)
    {
        var gen = new TitanicGenerator(900, seed);
        var records = CsvRecords.Read(CsvRecords.Generate(gen), allowShortRows: true);
        var facts = gen.Facts().ToList();
        Assert.That(facts, Has.Count.EqualTo(records.Count));
        var seenIds = new HashSet<string>();
        var seenKinds = TitanicDirt.None;
        for (var i = 0; i < facts.Count; i++)
        {
            var f = records[i].Fields;
            var dirt = facts[i].Dirt;
            seenKinds |= dirt;
            var observed = TitanicDirt.None;
            if (f.Length == 11) observed |= TitanicDirt.MissingField;
            else Assert.That(f, Has.Length.EqualTo(12));
            if (!seenIds.Add(f[0])) observed |= TitanicDirt.DuplicatePassengerId;
            if (f[1] is not ("0" or "1")) observed |= TitanicDirt.SurvivedOutOfRange;
            if (f[3].Contains('"')) observed |= TitanicDirt.NameEmbeddedQuote;
            if (f[5] == "N/A") observed |= TitanicDirt.AgeNotAvailable;
            else if (f[5] == "abc") observed |= TitanicDirt.AgeText;
            else if (f[5].Length > 0) Assert.That(double.TryParse(f[5], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _), $"Age '{f[5]}'");
            if (f.Length == 12 && f[11].EndsWith(' ')) observed |= TitanicDirt.EmbarkedTrailingSpaces;
            if (f.Length == 12 && (dirt & TitanicDirt.EmbarkedTrailingSpaces) == 0) Assert.That(Ports, Does.Contain(f[11]));
            // A missing Embarked hides trailing spaces the row was drawn with.
            var expected = (dirt & TitanicDirt.MissingField) != 0 ? dirt & ~TitanicDirt.EmbarkedTrailingSpaces : dirt;
            Assert.That(observed, Is.EqualTo(expected), $"record {i + 1}: [{string.Join("|", f)}]");
            Assert.That(long.Parse(f[0], CultureInfo.InvariantCulture), Is.EqualTo(facts[i].PassengerId));
        }
        foreach (var kind in TitanicNoise.Kinds) Assert.That(seenKinds.HasFlag(kind), $"{kind} present with seed {seed}");
    }

    [Test]
    public void ValuesHaveTheKaggleShapes()
    {
        const int n = 20_000;
        var csv = CsvRecords.Generate(new TitanicGenerator(n, 8));
        var records = CsvRecords.Read(csv, allowShortRows: true).Select(r => r.Fields).Where(f => f.Length == 12).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(f => f[2]).Distinct(), Is.EquivalentTo(Classes));
            Assert.That(records.Select(f => f[4]).Distinct(), Is.EquivalentTo(Sexes));
            Assert.That(records.Select(f => f[3]), Has.All.Matches<string>(s => s.Contains(", ", StringComparison.Ordinal) && s.Contains(". ", StringComparison.Ordinal)));
            Assert.That(records.Select(f => f[5]), Has.Some.EqualTo("0.42").Or.Some.EqualTo("0.83"));
            Assert.That(records.Select(f => f[5]), Has.Some.Matches<string>(a => a.EndsWith(".5", StringComparison.Ordinal)));
            Assert.That(records.Select(f => f[9]), Has.Some.Matches<string>(fare => fare.Length - fare.IndexOf('.') == 5));
            Assert.That(records.Select(f => f[9]), Has.All.Matches<string>(fare => decimal.TryParse(fare, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _) && !fare.EndsWith('0') || fare == "0" || !fare.Contains('.')));
            Assert.That(records.Select(f => f[3]), Has.Some.Matches<string>(s => s.Contains("Mrs. ", StringComparison.Ordinal) && s.EndsWith(')')));
            GeneratorTests.AssertRate("empty Age", records.Count(f => f[5].Length == 0), TitanicNoise.EmptyAge, records.Count);
            var cabins = records.Count(f => f[10].Length > 0);
            Assert.That(cabins, Is.InRange(records.Count / 6, records.Count / 3), "Cabin is mostly empty");
            Assert.That(records.Select(f => f[11]), Has.Some.Empty);
        });
        var text = Encoding.UTF8.GetString(csv);
        Assert.That(text, Does.Match("\n\\d+,[0-9-]+,[123],\"[^\",]+, (Mr|Mrs|Miss|Master)\\. "), "names are quoted because of the comma");
        Assert.That(text, Does.Match(", [A-Za-z ]+\\. [^\"\n]*\"\"[A-Z][a-z]+\"\"\","), "an embedded quote is doubled inside a quoted Name");
    }

    [Test]
    public void NamesMayHoldUtf8()
    {
        var text = Encoding.UTF8.GetString(CsvRecords.Generate(new TitanicGenerator(5_000, 3)));
        Assert.That(text, Does.Contain("Müller, ").Or.Contain("Sæther, "));
    }
}
