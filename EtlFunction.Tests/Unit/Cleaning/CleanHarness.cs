using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>Runs the cleaner on in-memory text and returns the processed and rejects CSV as text.</summary>
internal static class CleanHarness
{
    public sealed record Outcome(CleanResult Result, string Processed, string Rejects)
    {
        public string[] ProcessedLines => Processed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public string[] RejectLines => Rejects.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static DatasetContract Contract(string yaml) => ContractLoader.Parse(yaml, "test.yaml");

    public static Outcome Clean(string contractYaml, string csv) => Clean(Contract(contractYaml), Encoding.UTF8.GetBytes(csv));

    public static Outcome Clean(DatasetContract contract, byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        using var processed = new MemoryStream();
        using var rejects = new MemoryStream();
        var result = new CsvCleaner(contract).Run(input, processed, rejects);
        Assert.That(result.Balanced, Is.True, "row accounting must balance");
        return new Outcome(result, Encoding.UTF8.GetString(processed.ToArray()), Encoding.UTF8.GetString(rejects.ToArray()));
    }

    public const string People = """
        dataset: people
        columns:
          - name: id
            type: int64
            nullable: false
          - name: name
            type: string
          - name: score
            type: decimal(6,2)
        primary_key: [id]
        dedupe: keep_last
        """;
}
