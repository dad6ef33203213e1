using System.Globalization;
using System.Text;
using CsCheck;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Split;
using EtlFunction.Tests.Unit.Cleaning;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// The split path (record-boundary plan, pieces cleaned in parallel, merge) on random valid CSV with
/// random piece sizes gives the single path's processed and rejects CSV byte for byte, and its counts.
/// </summary>
public sealed class SplitFuzzTests
{
    private static readonly string[] Dedupes = ["keep_last", "keep_first", "reject", "none"];
    private static readonly string[] Names = ["a", "", " b ", "\"q,1\"", "\"line\nbreak\"", "\"cr\r\nlf\"", "\"\"\"x\"\"\"", "é😀", "\"\n\"", "\"\r\"", "x y"];
    private static readonly string[] Scores = ["1", "0.5", "-12.25", "", "bad", "9999.99", "10000", "1.234"];

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("etl-fuzz-split-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    public sealed record SplitCase(string Csv, int Dedupe, int Chunk, int Parallel);

    private static SplitCase Build(int rows, ulong seed, int dedupe, int chunkSeed, int parallel)
    {
        var rnd = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var eol = rnd.Next(2) == 0 ? "\n" : "\r\n";
        var sb = new StringBuilder("id,name,score").Append(eol);
        for (var i = 0; i < rows; i++)
        {
            if (rnd.Next(15) == 0) sb.Append(eol);
            var id = rnd.Next(8) == 0 ? "x" : rnd.Next(Math.Max(1, rows / 2)).ToString(CultureInfo.InvariantCulture);
            sb.Append(id).Append(',').Append(Names[rnd.Next(Names.Length)].Replace("\n", eol == "\n" ? "\n" : "\r\n", StringComparison.Ordinal))
                .Append(',').Append(Scores[rnd.Next(Scores.Length)]);
            if (i < rows - 1 || rnd.Next(3) > 0) sb.Append(eol);
        }
        var csv = sb.ToString();
        var chunk = 1 + chunkSeed % Math.Max(1, Encoding.UTF8.GetByteCount(csv));
        return new SplitCase(csv, dedupe, chunk, parallel);
    }

    private static readonly Gen<SplitCase> Cases =
        Gen.Select(Gen.Int[1, 60], Gen.ULong, Gen.Int[0, 3], Gen.Int[0, 1 << 20], Gen.Int[1, 3], Build);

    [Test]
    public void Split_RandomValidCsvAndPieceSizes_SameAsSinglePath()
    {
        Fuzz.Check(Cases, Property, ciIterations: 60,
            c => $"dedupe {Dedupes[c.Dedupe]}, chunk {c.Chunk}, parallel {c.Parallel}, csv \"{Fuzz.Escape(c.Csv)}\"");
    }

    private void Property(SplitCase c)
    {
        var contract = ContractLoader.Parse(CleanHarness.People.Replace("keep_last", Dedupes[c.Dedupe], StringComparison.Ordinal), "people.yaml");
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, c.Csv);
        try
        {
            CleanResult single;
            byte[] singleProcessed, singleRejects;
            using (var src = File.OpenRead(path))
            using (var p = new MemoryStream())
            using (var r = new MemoryStream())
            {
                single = new CsvCleaner(contract).Run(src, p, r);
                (singleProcessed, singleRejects) = (p.ToArray(), r.ToArray());
            }
            var cleaner = new ChunkedCleaner(contract, c.Parallel) { ChunkSize = c.Chunk };
            var plan = cleaner.Plan(path);
            using var cp = new MemoryStream();
            using var cr = new MemoryStream();
            var chunked = cleaner.Run(path, plan, cp, cr);
            Same(Encoding.UTF8.GetString(cp.ToArray()), Encoding.UTF8.GetString(singleProcessed), "processed CSV");
            Same(Encoding.UTF8.GetString(cr.ToArray()), Encoding.UTF8.GetString(singleRejects), "rejects CSV");
            Same(Counts(chunked), Counts(single), "counts");
            if (!chunked.Balanced) throw new AssertionException("split counts unbalanced");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Counts(CleanResult r) => string.Join(' ',
        r.RowsRead, r.RowsWritten, r.RowsFiltered, r.RowsRejected, r.RowsDeduplicated, r.BlankLines, r.BytesRead, r.ProcessedBytes, r.DistinctKeys,
        string.Join(';', r.RejectsByColumn.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)));

    private static void Same(string actual, string expected, string what)
    {
        if (actual != expected) throw new AssertionException($"{what} differs:\nsplit  \"{Fuzz.Escape(actual)}\"\nsingle \"{Fuzz.Escape(expected)}\"");
    }
}
