using System.Text;
using nietras.SeparatedValues;

namespace EtlFunction.Tests.Support;

/// <summary>Reads generated CSV back with a real RFC-4180 parser (Sep), independent of the writer under test.</summary>
internal static class CsvRecords
{
    public static byte[] Generate(EtlFunction.Generator.IDataGenerator generator)
    {
        using var ms = new MemoryStream();
        var written = generator.Write(ms);
        Assert.That(written, Is.EqualTo(ms.Length), "Write returns the bytes it wrote");
        return ms.ToArray();
    }

    /// <summary>Every data record's unescaped fields, plus the line it starts on.</summary>
    public static List<(int Line, string[] Fields)> Read(byte[] csv, bool allowShortRows = false)
    {
        var records = new List<(int, string[])>();
        using var text = new StreamReader(new MemoryStream(csv), new UTF8Encoding(false, true));
        using var reader = Sep.Reader(o => o with { HasHeader = true, Unescape = true, DisableColCountCheck = allowShortRows }).From(text);
        foreach (var row in reader)
        {
            var fields = new string[row.ColCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = row[i].ToString();
            records.Add((row.LineNumberFrom, fields));
        }
        return records;
    }

    public static string[] Header(byte[] csv)
    {
        var firstLine = Encoding.UTF8.GetString(csv, 0, Array.IndexOf(csv, (byte)'\n'));
        return firstLine.Split(',');
    }
}
