using System.Text;
using CsCheck;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>Generators of hostile CSV input: random bytes, random token soup, and mutated sample orders.</summary>
internal static class CsvInputs
{
    private static readonly Lazy<string[]> OrderLines = new(() => File.ReadAllLines(Path.Combine(RepoPaths.Samples, "orders.csv")));

    public static string[] Orders => OrderLines.Value;

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "a", "1", "-3", "1.5", "12.345", "2024-03-25", "2024-03-25T22:39:46Z", "03/25/2024", "2024-02-30", "true", "no", "yes",
            " ", ",", ",", ",", "\"", "\"\"", "\n", "\n", "\r\n", "\r", "\0", "\t", ";", "é", "😀", "N/A", "paid", "test", "shipped",
            "user@x.test", "99999999999999999999", "1e308", "NaN", "order_id", "\\", "\\N",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF],
    ];

    /// <summary>Any of the three kinds of input, <paramref name="maxSize"/> bounding its length or edit count.</summary>
    public static Gen<byte[]> Any(int maxSize) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, maxSize], Gen.ULong, (kind, size, seed) => Build(kind, size, seed));

    public static byte[] Build(int kind, int size, ulong seed)
    {
        var rnd = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        return kind switch
        {
            0 => RandomBytes(rnd, size),
            1 => TokenSoup(rnd, size),
            _ => MutatedOrders(rnd, size, kind == 3),
        };
    }

    private static byte[] RandomBytes(Random rnd, int size)
    {
        var bytes = new byte[size];
        rnd.NextBytes(bytes);
        return bytes;
    }

    private static byte[] TokenSoup(Random rnd, int size)
    {
        using var ms = new MemoryStream();
        if (rnd.Next(3) > 0) ms.Write(Encoding.UTF8.GetBytes(Orders[0] + (rnd.Next(2) == 0 ? "\n" : "\r\n")));
        for (var i = 0; i < size; i++) ms.Write(Tokens[rnd.Next(Tokens.Length)]);
        return ms.ToArray();
    }

    /// <summary>The sample's header and some rows (duplicated keys when <paramref name="dupes"/>), then byte- and line-level edits.</summary>
    private static byte[] MutatedOrders(Random rnd, int size, bool dupes)
    {
        var lines = new List<string> { Orders[0] };
        var rows = rnd.Next(1, 30);
        for (var i = 0; i < rows; i++) lines.Add(Orders[dupes ? 1 + rnd.Next(5) : 1 + rnd.Next(Orders.Length - 1)]);
        var edits = size / 25;
        for (var i = 0; i < edits / 3 && lines.Count > 1; i++)
        {
            var at = rnd.Next(1, lines.Count);
            switch (rnd.Next(4))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[rnd.Next(lines.Count)]); break;
                case 2: (lines[at], lines[1]) = (lines[1], lines[at]); break;
                default: lines.Insert(at, ""); break;
            }
        }
        var eol = rnd.Next(3) == 0 ? "\r\n" : "\n";
        var text = new List<byte>(Encoding.UTF8.GetBytes(string.Join(eol, lines) + (rnd.Next(4) == 0 ? "" : eol)));
        if (rnd.Next(8) == 0) text.InsertRange(0, [0xEF, 0xBB, 0xBF]);
        for (var i = 0; i < edits; i++)
        {
            var at = rnd.Next(text.Count + 1);
            switch (rnd.Next(4))
            {
                case 0 when at < text.Count: text.RemoveAt(at); break;
                case 1 when at < text.Count: text[at] = (byte)rnd.Next(256); break;
                case 2: text.InsertRange(at, Tokens[rnd.Next(Tokens.Length)]); break;
                default: if (at < text.Count) text.RemoveRange(at, Math.Min(text.Count - at, rnd.Next(1, 20))); break;
            }
        }
        return [.. text];
    }
}
