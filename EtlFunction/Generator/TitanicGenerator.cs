using System.Globalization;
using System.Text;

namespace EtlFunction.Generator;

/// <summary>
/// Streams a deterministic CSV with the Kaggle Titanic columns and realistic values (quoted
/// <c>"Surname, Title. Given"</c> names, empty and fractional ages, four-decimal fares, mostly empty
/// cabins) plus the dirt listed in <see cref="TitanicDirt"/>, so the original project's dataset
/// can be reproduced at any size without shipping Kaggle's file. Same (rows, seed), same bytes.
/// </summary>
public sealed class TitanicGenerator : IDataGenerator
{
    public const ulong DefaultSeed = 42;
    private static readonly int[] ClassWeights = [216, 184, 491];
    private static readonly double[] FemaleShare = [0.435, 0.413, 0.293];
    private static readonly double[][] SurvivalBySexAndClass = [[0.37, 0.16, 0.14], [0.97, 0.92, 0.50]];
    private static readonly int[] SibSpValues = [0, 1, 2, 3, 4, 5, 8];
    private static readonly int[] SibSpWeights = [608, 209, 28, 16, 18, 5, 7];
    private static readonly int[] ParchWeights = [678, 118, 80, 5, 4, 5, 1];
    private static readonly int[] EmbarkedWeights = [646, 168, 77];
    private static readonly string[] Ports = ["S", "C", "Q"];
    private static readonly double[] CabinShare = [0.8, 0.08, 0.025];
    private static readonly Probability PDirt = Probability.Of(TitanicNoise.EachDirtKind);

    public TitanicGenerator(long rows, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
        Seed = seed;
    }

    public string Name => "titanic";
    public long Rows { get; }
    public ulong Seed { get; }

    /// <summary>Not tracked: the titanic file's noise is checked by its tests, not by a count.</summary>
    public long? ExpectedRowsWritten() => null;

    public long Write(Stream output)
    {
        using var csv = new MinimalCsvWriter(output, leaveOpen: true);
        foreach (var c in TitanicVocabulary.Columns) csv.Field(c);
        csv.EndRow();
        foreach (var row in Draw())
        {
            var fields = row.Fields;
            var count = (row.Dirt & TitanicDirt.MissingField) != 0 ? fields.Length - 1 : fields.Length;
            for (var i = 0; i < count; i++) csv.Field(fields[i]);
            csv.EndRow();
        }
        csv.Flush();
        return csv.BytesWritten;
    }

    /// <summary>The facts of every record <see cref="Write"/> would write, in file order.</summary>
    public IEnumerable<TitanicRowFacts> Facts() => Draw().Select(r => new TitanicRowFacts(r.Record, r.PassengerId, r.Dirt));

    private sealed record DrawnRow(long Record, long PassengerId, TitanicDirt Dirt, string[] Fields);

    private IEnumerable<DrawnRow> Draw()
    {
        var rnd = new Pcg32(Seed);
        var planted = PlantDirt(rnd);
        var nextId = 1L;
        var name = new StringBuilder(96);
        for (var record = 1L; record <= Rows; record++)
        {
            var dirt = planted.GetValueOrDefault(record);
            foreach (var kind in TitanicNoise.Kinds)
                if (rnd.Chance(PDirt)) dirt |= kind;
            if ((dirt & TitanicDirt.AgeText) != 0) dirt &= ~TitanicDirt.AgeNotAvailable;
            if (nextId == 1) dirt &= ~TitanicDirt.DuplicatePassengerId;

            long id;
            if ((dirt & TitanicDirt.DuplicatePassengerId) != 0) id = 1 + rnd.NextInt64(nextId - 1);
            else id = nextId++;
            var cls = PickWeighted(rnd, ClassWeights);
            var female = rnd.Chance(Probability.Of(FemaleShare[cls]));
            var (age, years) = DrawAge(rnd);
            var nick = (dirt & TitanicDirt.NameEmbeddedQuote) != 0;
            DrawName(rnd, name, female, years, nick);
            var child = years is < 13;
            var survivalRate = Math.Min(0.95, SurvivalBySexAndClass[female ? 1 : 0][cls] + (child ? 0.3 : 0));
            var survived = rnd.Chance(Probability.Of(survivalRate)) ? "1" : "0";
            var sibSp = SibSpValues[PickWeighted(rnd, SibSpWeights)];
            var parch = PickWeighted(rnd, ParchWeights);
            var ticket = DrawTicket(rnd, cls);
            var fare = DrawFare(rnd, cls);
            var cabin = DrawCabin(rnd, cls);
            var embarked = rnd.Chance(Probability.Of(TitanicNoise.EmptyEmbarked)) ? "" : Ports[PickWeighted(rnd, EmbarkedWeights)];

            if ((dirt & TitanicDirt.AgeNotAvailable) != 0) age = "N/A";
            if ((dirt & TitanicDirt.AgeText) != 0) age = "abc";
            if ((dirt & TitanicDirt.SurvivedOutOfRange) != 0) survived = rnd.Chance(Probability.Of(0.5)) ? "2" : "-1";
            if ((dirt & TitanicDirt.EmbarkedTrailingSpaces) != 0)
                embarked = (embarked.Length == 0 ? "S" : embarked) + new string(' ', rnd.Between(1, 3));

            string[] fields =
            [
                id.ToString(CultureInfo.InvariantCulture), survived, (cls + 1).ToString(CultureInfo.InvariantCulture),
                name.ToString(), female ? "female" : "male", age, sibSp.ToString(CultureInfo.InvariantCulture),
                parch.ToString(CultureInfo.InvariantCulture), ticket, fare, cabin, embarked,
            ];
            yield return new DrawnRow(record, id, dirt, fields);
        }
    }

    /// <summary>One record per dirt kind at distinct seed-chosen positions (2..rows), so every sample has each kind.</summary>
    private Dictionary<long, TitanicDirt> PlantDirt(Pcg32 rnd)
    {
        var planted = new Dictionary<long, TitanicDirt>();
        if (Rows < TitanicNoise.MinRowsForPlanting) return planted;
        foreach (var kind in TitanicNoise.Kinds)
        {
            long at;
            do at = 2 + rnd.NextInt64(Rows - 1);
            while (planted.ContainsKey(at));
            planted[at] = kind;
        }
        return planted;
    }

    /// <summary>The Age text and whole years (null when empty).</summary>
    private static (string Text, int? Years) DrawAge(Pcg32 rnd)
    {
        if (rnd.Chance(Probability.Of(TitanicNoise.EmptyAge))) return ("", null);
        if (rnd.Chance(Probability.Of(TitanicNoise.InfantAge))) return (rnd.Pick(TitanicVocabulary.InfantAges), 0);
        int years;
        if (rnd.Chance(Probability.Of(0.08))) years = rnd.Between(1, 12);
        else years = 16 + rnd.Next(16) + rnd.Next(16) + (rnd.Chance(Probability.Of(0.15)) ? rnd.Next(35) : 0);
        var text = years.ToString(CultureInfo.InvariantCulture);
        if (years > 12 && rnd.Chance(Probability.Of(TitanicNoise.HalfYearAge))) text += ".5";
        return (text, years);
    }

    private static void DrawName(Pcg32 rnd, StringBuilder sb, bool female, int? years, bool nickname)
    {
        sb.Clear().Append(rnd.Pick(TitanicVocabulary.Surnames)).Append(", ");
        var first = female ? TitanicVocabulary.FemaleFirstNames : TitanicVocabulary.MaleFirstNames;
        string title;
        if (rnd.Chance(Probability.Of(0.03)))
            title = rnd.Pick(female ? TitanicVocabulary.RareFemaleTitles : TitanicVocabulary.RareMaleTitles);
        else if (!female)
            title = years is < 13 || (years is null && rnd.Chance(Probability.Of(0.04))) ? "Master" : "Mr";
        else
            title = years is < 18 || rnd.Chance(Probability.Of(0.4)) ? "Miss" : "Mrs";
        sb.Append(title).Append(". ");
        if (title == "Mrs" && rnd.Chance(Probability.Of(0.7)))
        {
            // Married women are listed under the husband's name with their own in parentheses.
            sb.Append(rnd.Pick(TitanicVocabulary.MaleFirstNames));
            if (rnd.Chance(Probability.Of(0.4))) sb.Append(' ').Append((char)('A' + rnd.Next(26))).Append('.');
            sb.Append(" (").Append(rnd.Pick(first));
            if (rnd.Chance(Probability.Of(0.6))) sb.Append(' ').Append(rnd.Pick(TitanicVocabulary.Surnames));
            sb.Append(')');
        }
        else
        {
            sb.Append(rnd.Pick(first));
            if (rnd.Chance(Probability.Of(0.4))) sb.Append(' ').Append(rnd.Pick(first));
        }
        if (nickname) sb.Append(" \"").Append(rnd.Pick(TitanicVocabulary.Nicknames)).Append('"');
    }

    private static string DrawTicket(Pcg32 rnd, int cls)
    {
        if (cls == 0 && rnd.Chance(Probability.Of(0.4)))
            return "PC " + rnd.Between(17_000, 17_800).ToString(CultureInfo.InvariantCulture);
        if (rnd.Chance(Probability.Of(0.2)))
            return rnd.Pick(TitanicVocabulary.TicketPrefixes) + " " + rnd.Between(100, 3_999_999).ToString(CultureInfo.InvariantCulture);
        var number = cls switch
        {
            0 => rnd.Between(110_000, 113_999),
            1 => rnd.Between(200_000, 250_000),
            _ => rnd.Chance(Probability.Of(0.1)) ? rnd.Between(3_100_000, 3_102_000) : rnd.Between(310_000, 392_000),
        };
        return number.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A fare as the Kaggle file writes it: up to four decimals, no trailing zeros (<c>7.25</c>, <c>71.2833</c>, <c>13</c>, <c>0</c>).</summary>
    private static string DrawFare(Pcg32 rnd, int cls)
    {
        if (rnd.Chance(Probability.Of(TitanicNoise.ZeroFare))) return "0";
        var tenThousandths = rnd.Chance(Probability.Of(0.5))
            ? rnd.Pick(TitanicVocabulary.CommonFares[cls])
            : rnd.Between(TitanicVocabulary.FareRange[cls].Min, TitanicVocabulary.FareRange[cls].Max);
        var text = (tenThousandths / 10_000).ToString(CultureInfo.InvariantCulture);
        var frac = (tenThousandths % 10_000).ToString("D4", CultureInfo.InvariantCulture).TrimEnd('0');
        return frac.Length == 0 ? text : text + "." + frac;
    }

    private static string DrawCabin(Pcg32 rnd, int cls)
    {
        if (!rnd.Chance(Probability.Of(CabinShare[cls]))) return "";
        var deck = rnd.Pick(TitanicVocabulary.DecksByClass[cls]);
        var number = rnd.Between(2, 148);
        if (cls == 0 && rnd.Chance(Probability.Of(0.12)))
        {
            var count = rnd.Between(2, 3);
            return string.Join(' ', Enumerable.Range(0, count).Select(i => deck + (number + 2 * i).ToString(CultureInfo.InvariantCulture)));
        }
        var cabin = deck + number.ToString(CultureInfo.InvariantCulture);
        return cls == 2 && rnd.Chance(Probability.Of(0.3)) ? "F " + cabin : cabin;
    }

    private static int PickWeighted(Pcg32 rnd, int[] weights)
    {
        var x = rnd.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (x < weights[i]) return i;
            x -= weights[i];
        }
        throw new InvalidOperationException("unreachable");
    }
}
