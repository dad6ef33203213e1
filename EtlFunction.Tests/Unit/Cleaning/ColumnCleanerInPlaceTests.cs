using EtlFunction.Cleaning;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>
/// A cleaned value may be left where it lies (the record, a scratch buffer) instead of copied; it
/// must read the same as the copied value for every route a value takes through the cleaner.
/// </summary>
public class ColumnCleanerInPlaceTests
{
    private const string Contract = """
        dataset: t
        null_values: ["", "NULL"]
        columns:
          - {name: plain, type: string}
          - {name: low, type: string, transforms: [trim, lower]}
          - {name: up, type: string, transforms: [upper, trim]}
          - {name: spaced, type: string, transforms: [collapse_spaces, {replace: {from: "x", to: "yy"}}]}
          - {name: n, type: int64, checks: {min: 1}}
          - {name: d, type: date, formats: [yyyy-MM-dd, MM/dd/yyyy], transforms: [trim, {default: "2020-01-01"}]}
        """;

    private static readonly string[] Fields =
    [
        "", "\"\"", "NULL", "abc", " Abc ", "\"a,b\"", "\"say \"\"hi\"\"\"", "ÄÖÜ straße", "  x  y  ", "\"unterminated", "\"bad\"x",
        "7", "0", "-3", "12/31/2023", " 2023-02-30 ", "USER@Mail.TEST", "İstanbul", "ǅ", "\"  Padded  \"", "\u00a0nbsp\u00a0", "\tTab\t", "x ", " x", "~ok!", "\u2003em\u2003", "\u0085next",
    ];

    [Test]
    public void Clean_InPlaceAndCopied_SameOutcome()
    {
        var contract = CleanHarness.Contract(Contract);
        for (var c = 0; c < contract.Columns.Count; c++)
        {
            var inPlace = new ColumnCleaner(contract.Columns[c], c, contract);
            var copied = new ColumnCleaner(contract.Columns[c], c, contract);
            foreach (var f in Fields)
            {
                var home = ("pre," + f + ",post").ToCharArray();
                var ok1 = inPlace.Clean(home.AsSpan(4, f.Length), home);
                var ok2 = copied.Clean(f.AsSpan());
                var what = $"column {contract.Columns[c].Name}, field '{f}'";
                Assert.That((ok1, inPlace.IsNull, inPlace.Long, inPlace.Error), Is.EqualTo((ok2, copied.IsNull, copied.Long, copied.Error)), what);
                Assert.That(inPlace.Text.ToString(), Is.EqualTo(copied.Text.ToString()), what);
            }
        }
    }

    [Test]
    public void Clean_TrimTransform_SameAsStringTrim()
    {
        var contract = CleanHarness.Contract("dataset: t\ncolumns:\n  - {name: s, type: string, transforms: [trim]}\n");
        var cleaner = new ColumnCleaner(contract.Columns[0], 0, contract);
        foreach (var f in Fields.Where(f => !f.StartsWith('"') && f.Trim().Length > 0))
        {
            Assert.That(cleaner.Clean(f), Is.True, f);
            if (cleaner.IsNull) continue; // a NULL token of the contract's defaults
            Assert.That(cleaner.Text.ToString(), Is.EqualTo(f.Trim()), $"field '{f}'");
        }
    }

    [TestCase("", false)]
    [TestCase("abc", false)]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789@.", false)]
    [TestCase("abcdefghijklmnopqrstuvwxyZ", true)]
    [TestCase("Abc", true)]
    [TestCase("straße", false)]
    [TestCase("straßE", true)]
    [TestCase("àéîõü-long-enough-for-vectors", false)]
    [TestCase("àéîõü-long-enough-for-vectorsÉ", true)]
    [TestCase("ǆ", false)]
    [TestCase("ǅ", false)] // title case, not upper: the rule below (kept as it was) leaves it alone
    public void HasUpper_Value_SameAsScalarRule(string s, bool expected)
    {
        Assert.That(ColumnCleaner.HasUpper(s), Is.EqualTo(expected));
        Assert.That(s.Any(ch => ch is >= 'A' and <= 'Z' || ch > 127 && char.IsUpper(ch)), Is.EqualTo(expected), "the scalar rule");
    }
}
