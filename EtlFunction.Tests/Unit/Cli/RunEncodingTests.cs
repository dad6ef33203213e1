using System.Globalization;
using System.Text;
using EtlFunction.Encodings;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// A Windows-1252 file (accents, curly quotes, €) and a UTF-16 file, with no contract: <c>infer</c>
/// names the encoding and says why, and <c>run</c> loads every row with exactly the text the file holds —
/// checked in the SQLite table and byte for byte in the processed CSV, on the single and the split path.
/// </summary>
public class RunEncodingTests
{
    /// <summary>Values only Windows-1252 (not Latin-1, not ASCII) can hold, and one the CSV must quote.</summary>
    private static readonly string[] Names =
    [
        "Café “Crème”", "Œuvre – 5 €", "‘Zoë’ … naïve", "Šarlota ™ Ž", "Straße — 12,50 €", "„Ünïcödé“ • ƒ ‰", "plain ascii", "say \"hi\", Renée",
    ];

    private static string Text(int rows)
    {
        var sb = new StringBuilder("id,name,amount\n");
        for (var i = 1; i <= rows; i++) sb.Append(i).Append(',').Append(Csv(Names[i % Names.Length] + " " + i)).Append(',').Append(i * 3).Append('\n');
        return sb.ToString();
    }

    private static string Csv(string v) => v.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;

    private static List<(long Id, string Name)> Rows(string db, string table)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT id, name FROM {table} ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, string)>();
        while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1)));
        return rows;
    }

    private static List<(long Id, string Name)> Expected(int rows) =>
        [.. Enumerable.Range(1, rows).Select(i => ((long)i, Names[i % Names.Length] + " " + i))];

    [Test]
    public async Task Infer_Windows1252File_NamesTheEncodingAndWhy()
    {
        using var h = new CliHarness();
        var bytes = new Windows1252Encoding().GetBytes(Text(20));
        var file = Path.Combine(h.Root, "cafes.csv");
        await File.WriteAllBytesAsync(file, bytes);
        var firstHigh = Array.FindIndex(bytes, b => b >= 0x80);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await EtlFunction.Cli.CliApp.RunAsync(["infer", file], new StringReader(""), stdout, stderr);

        Assert.That(code, Is.Zero, stderr.ToString());
        var yaml = stdout.ToString();
        Assert.That(yaml, Does.Contain("\nencoding: windows-1252\n"));
        Assert.That(yaml, Does.Contain($"encoding windows-1252: bytes are not valid UTF-8 at offset {firstHigh}; decoded as windows-1252"));
        Assert.That(EtlFunction.Contracts.ContractLoader.Parse(yaml, "cafes.yaml").Encoding, Is.EqualTo("windows-1252"));
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Run_Windows1252FileWithoutContract_LoadsTheExactText(int parallel)
    {
        using var h = new CliHarness();
        const int rows = 5_000;
        var text = Text(rows);
        var file = Path.Combine(h.Root, "cafes.csv");
        await File.WriteAllBytesAsync(file, new Windows1252Encoding().GetBytes(text));

        var r = await h.Run("", "run", file, "--json", "--db", h.Db, "--parallel", parallel.ToString(CultureInfo.InvariantCulture));

        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        Assert.That(j.GetProperty("contractInferred").GetBoolean(), Is.True);
        Assert.That((j.GetProperty("rowsRead").GetInt64(), j.GetProperty("rowsWritten").GetInt64(), j.GetProperty("rowsRejected").GetInt64()), Is.EqualTo((rows, rows, 0L)));
        Assert.That(r.Stderr, Does.Contain("encoding windows-1252: bytes are not valid UTF-8 at offset"));
        Assert.That(File.ReadAllText(CliHarness.Full(j.GetProperty("contract"))), Does.Contain("encoding: windows-1252"));
        if (parallel > 1) Assert.That(r.Stderr, Does.Contain("pieces at record boundaries"), "the split path ran");

        Assert.That(Rows(h.Db, "cafes"), Is.EqualTo(Expected(rows)), "SQLite holds the exact Unicode text");
        // The processed CSV is the same text in UTF-8, byte for byte (amount inferred int32, printed as is).
        Assert.That(await File.ReadAllBytesAsync(CliHarness.Full(j.GetProperty("processed"))), Is.EqualTo(Encoding.UTF8.GetBytes(text)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Run_Utf16FileWithBomWithoutContract_LoadsTheExactText(bool bigEndian)
    {
        using var h = new CliHarness();
        var text = Text(300).Replace("Café", "Café 😀", StringComparison.Ordinal);
        var enc = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var file = Path.Combine(h.Root, "cafes.csv");
        await File.WriteAllBytesAsync(file, [.. enc.GetPreamble(), .. enc.GetBytes(text)]);

        var r = await h.Run("", "run", file, "--json", "--db", h.Db, "--parallel", "2");

        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("rowsRejected").GetInt64(), Is.Zero);
        Assert.That(File.ReadAllText(CliHarness.Full(r.Json.GetProperty("contract"))), Does.Contain(bigEndian ? "encoding: utf-16be" : "encoding: utf-16le"));
        Assert.That(r.Stderr, Does.Not.Contain("pieces at record boundaries"), "UTF-16 takes the single path");
        Assert.That(Rows(h.Db, "cafes"), Is.EqualTo(Expected(300).Select(e => (e.Id, e.Name.Replace("Café", "Café 😀", StringComparison.Ordinal))).ToList()));
        Assert.That(await File.ReadAllBytesAsync(CliHarness.Full(r.Json.GetProperty("processed"))), Is.EqualTo(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public async Task InvokePlan_Utf16_AnswersTheSinglePath_Windows1252Splits()
    {
        using var h = new CliHarness();
        var contracts = Path.Combine(h.Root, "contracts");
        Directory.CreateDirectory(contracts);
        await File.WriteAllTextAsync(Path.Combine(contracts, "people.yaml"), EtlFunction.Tests.Unit.Cleaning.CleanHarness.People + "\nencoding: utf-16le\n");
        var text = Text(400);
        async Task<System.Text.Json.JsonElement> Plan(string key, byte[] bytes)
        {
            var path = Path.Combine(h.Store, "landing", key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
            var r = await h.Run($$"""{"bucket":"landing","key":"{{key}}","chunkSize":1000,"splitThreshold":0}""", "invoke", "plan", "--contracts", contracts);
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            return r.Json;
        }

        var byBom = await Plan("cafes/bom.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
        Assert.That(byBom.GetProperty("split").GetBoolean(), Is.False, "a UTF-16 byte order mark");
        var byContract = await Plan("people/nobom.csv", Encoding.Unicode.GetBytes("id,name,score\n" + string.Concat(Enumerable.Range(1, 400).Select(i => $"{i},Zoë {i},1\n"))));
        Assert.That(byContract.GetProperty("split").GetBoolean(), Is.False, "a contract that says utf-16le");
        var cp1252 = await Plan("cafes/cp.csv", new Windows1252Encoding().GetBytes(text));
        Assert.That(cp1252.GetProperty("split").GetBoolean(), Is.True, "windows-1252 is cut by bytes");
        Assert.That(cp1252.GetProperty("pieces").GetArrayLength(), Is.GreaterThan(3));
    }
}
