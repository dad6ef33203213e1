using System.Text;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Tests.Unit.ProcessedCsv;

/// <summary>
/// Strings take a vectorised ASCII path when they need no quotes; every length and every position
/// of a character that needs the general path (quote characters, non-ASCII, surrogates) must give
/// the canonical text.
/// </summary>
public class CanonicalStringWritingTests
{
    private static readonly char[] Special = [',', '"', '\r', '\n', 'é', '\u007f', '\u0080', '€', '\ud83d', '\ude00', '\0', 'Z'];

    [Test]
    public void WriteString_EveryLengthAndSpecialPosition_CanonicalText()
    {
        var values = new List<string>();
        for (var len = 0; len <= 40; len++)
        {
            var plain = new string(Enumerable.Range(0, len).Select(i => (char)('a' + i % 26)).ToArray());
            values.Add(plain);
            for (var at = 0; at < len; at++)
            {
                foreach (var sp in Special)
                {
                    var chars = plain.ToCharArray();
                    chars[at] = sp;
                    values.Add(new string(chars));
                }
            }
        }
        values.Add("😀 ok");
        foreach (var v in values)
        {
            Assert.That(Write(v), Is.EqualTo(Expected(v)), $"value '{v}' ({v.Length} chars)");
        }
    }

    [Test]
    public void WriteString_ManyValuesInOneRow_SeparatedCanonicalText()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 2000).Select(_ => new string(Enumerable.Range(0, rng.Next(0, 30))
            .Select(_ => rng.Next(10) == 0 ? Special[rng.Next(Special.Length)] : (char)rng.Next(32, 127)).ToArray())).ToList();
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms, flushThreshold: 1 << 10))
        {
            foreach (var v in values)
            {
                w.WriteString(v);
                w.WriteString(v);
                w.EndRow();
            }
            w.Flush();
        }
        var expected = string.Concat(values.Select(v => Expected(v) + "," + Expected(v) + "\n"));
        Assert.That(Encoding.UTF8.GetString(ms.ToArray()), Is.EqualTo(expected));
    }

    /// <summary>The canonical rule, spelled out independently of the writer.</summary>
    private static string Expected(string v)
    {
        if (v.Length == 0) return "\"\"";
        var text = v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
        return new UTF8Encoding(false).GetString(Encoding.UTF8.GetBytes(text));
    }

    private static string Write(string v)
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            w.WriteString(v);
            w.EndRow();
            w.Flush();
        }
        var s = new UTF8Encoding(false).GetString(ms.ToArray());
        return s[..^1];
    }
}
