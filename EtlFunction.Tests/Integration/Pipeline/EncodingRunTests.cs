using System.Text;
using EtlFunction.Encodings;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// Files that are not UTF-8, through the real binary against the S3 emulator and MariaDB with no
/// contract: the run infers the encoding, rejects nothing, and MySQL holds exactly the text the file
/// holds (read back over a utf8mb4 connection and compared string for string), as does the processed
/// CSV on S3 (compared byte for byte with the same text in UTF-8).
/// </summary>
[NonParallelizable]
public class EncodingRunTests
{
    private static readonly string[] Names =
    [
        "Café “Crème”", "Œuvre – 5 €", "‘Zoë’ … naïve", "Šarlota ™ Ž", "Straße — 12,50 €", "„Ünïcödé“ • ƒ ‰", "plain ascii", "say \"hi\", Renée",
    ];

    private static string Name(int i) => Names[i % Names.Length] + " " + i;

    private static string Text(int rows, Func<int, string> name)
    {
        var sb = new StringBuilder("id,name,amount\n");
        for (var i = 1; i <= rows; i++)
        {
            var v = name(i);
            sb.Append(i).Append(',').Append(v.IndexOfAny([',', '"']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v).Append(',').Append(i * 7).Append('\n');
        }
        return sb.ToString();
    }

    private static async Task AssertLoadedExactly(PipelineServices s, PipelineServices.Result r, string text, int rows, Func<int, string> name, string encoding)
    {
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        Assert.That(j.GetProperty("contractInferred").GetBoolean(), Is.True);
        Assert.That((j.GetProperty("rowsWritten").GetInt64(), j.GetProperty("rowsRejected").GetInt64(), j.GetProperty("rowsLoaded").GetInt64()), Is.EqualTo(((long)rows, 0L, (long)rows)));

        var contract = PipelineServices.Split(j.GetProperty("contract").GetString()!);
        Assert.That(Encoding.UTF8.GetString(await s.GetBytesAsync(contract.Bucket, contract.Key)), Does.Contain($"encoding: {encoding}\n"));

        var loaded = s.Db.Query("SELECT id, name, amount FROM cafes ORDER BY id").Select(row => (Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture), (string)row[1]!, Convert.ToInt64(row[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.That(loaded, Is.EqualTo(Enumerable.Range(1, rows).Select(i => ((long)i, name(i), (long)i * 7)).ToList()), "MySQL holds the exact Unicode text");
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM cafes WHERE name LIKE '%?%' AND name NOT LIKE '%\"hi\"%'"), Is.Zero, "no character became '?'");

        var processed = PipelineServices.Split(j.GetProperty("processed").GetString()!);
        Assert.That(await s.GetBytesAsync(processed.Bucket, processed.Key), Is.EqualTo(Encoding.UTF8.GetBytes(text)), "the processed CSV is the same text in UTF-8");
    }

    [Test]
    public async Task Run_Windows1252FileWithoutContract_OnS3AndMySql_LoadsTheExactText()
    {
        await using var s = await PipelineServices.StartAsync("cp1252");
        const int rows = 2_000;
        var text = Text(rows, Name);
        var bytes = new Windows1252Encoding().GetBytes(text);
        Assert.That(bytes, Has.Length.EqualTo(text.Length), "one byte per character: every character is in Windows-1252");
        var file = Path.Combine(s.Work, "cafes.csv");
        await File.WriteAllBytesAsync(file, bytes);

        var r = await s.RunAsync(["run", file, "--json", .. s.Options]);

        await AssertLoadedExactly(s, r, text, rows, Name, "windows-1252");
        Assert.That(r.Stderr, Does.Contain($"encoding windows-1252: bytes are not valid UTF-8 at offset {Array.FindIndex(bytes, b => b >= 0x80)}; decoded as windows-1252"));
    }

    [Test]
    public async Task Run_Utf16LeFileWithBomWithoutContract_OnS3AndMySql_LoadsTheExactText()
    {
        await using var s = await PipelineServices.StartAsync("utf16");
        const int rows = 500;
        string Emoji(int i) => Name(i) + (i % 5 == 0 ? " 😀𝄞" : "");
        var text = Text(rows, Emoji);
        var file = Path.Combine(s.Work, "cafes.csv");
        await File.WriteAllBytesAsync(file, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);

        var r = await s.RunAsync(["run", file, "--json", .. s.Options]);

        await AssertLoadedExactly(s, r, text, rows, Emoji, "utf-16le");
        Assert.That(r.Stderr, Does.Contain("encoding utf-16le: UTF-16 LE byte order mark (FF FE), skipped"));
    }
}
