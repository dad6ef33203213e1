using CsCheck;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Inference;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// The streaming cleaner on random and mutated input, with the orders contract and with an inferred one:
/// it ends either with balanced counts and every rejected row in the rejects CSV, or with a typed,
/// non-internal <see cref="EtlException"/>. Nothing else escapes.
/// </summary>
public sealed class CleanerFuzzTests
{
    private static readonly Lazy<DatasetContract[]> OrdersContracts = new(() =>
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Contracts, "orders.yaml"));
        return new[] { "keep_last", "keep_first", "reject", "none" }
            .Select(d => ContractLoader.Parse(yaml.Replace("dedupe: keep_last", "dedupe: " + d, StringComparison.Ordinal), "orders.yaml"))
            .ToArray();
    });

    private static long _cleaned, _failedTyped;

    [SetUp]
    public void SetUp() => (_cleaned, _failedTyped) = (0, 0);

    [TearDown]
    public void TearDown() => TestContext.Out.WriteLine($"fuzz: {_cleaned} inputs cleaned, {_failedTyped} failed typed");

    [Test]
    public void Clean_RandomInput_OrdersContract_BalancesOrFailsTyped()
    {
        Fuzz.Check(Gen.Select(CsvInputs.Any(600), Gen.Int[0, 3]), t => CleanOrFailTyped(OrdersContracts.Value[t.Item2], t.Item1),
            ciIterations: 600, t => $"dedupe #{t.Item2}, input \"{Fuzz.Escape(t.Item1)}\"");
    }

    [Test]
    public void Clean_RandomInput_InferredContract_BalancesOrFailsTyped()
    {
        Fuzz.Check(CsvInputs.Any(600), bytes =>
        {
            DatasetContract contract;
            try
            {
                contract = ContractInferrer.Infer(new MemoryStream(bytes), "fuzz").Contract;
            }
            catch (EtlException e)
            {
                Fuzz.AssertTyped(e);
                _failedTyped++;
                return;
            }
            CleanOrFailTyped(contract, bytes);
        }, ciIterations: 300, bytes => $"input \"{Fuzz.Escape(bytes)}\"");
    }

    internal static void CleanOrFailTyped(DatasetContract contract, byte[] bytes)
    {
        using var processed = new MemoryStream();
        using var rejects = new MemoryStream();
        CleanResult result;
        try
        {
            result = new CsvCleaner(contract).Run(new MemoryStream(bytes), processed, rejects);
        }
        catch (EtlException e)
        {
            Fuzz.AssertTyped(e);
            _failedTyped++;
            return;
        }
        _cleaned++;
        if (!result.Balanced)
        {
            throw new AssertionException($"unbalanced: read {result.RowsRead} != written {result.RowsWritten} + filtered {result.RowsFiltered} + rejected {result.RowsRejected} + deduplicated {result.RowsDeduplicated}");
        }
        var rejectRows = Fuzz.CountRecords(rejects.ToArray()) - 1;
        if (rejectRows != result.RowsRejected)
        {
            throw new AssertionException($"{result.RowsRejected} rows rejected but {rejectRows} in the rejects CSV");
        }
        var processedRows = Fuzz.CountRecords(processed.ToArray()) - 1;
        if (processedRows != result.RowsWritten)
        {
            throw new AssertionException($"{result.RowsWritten} rows written but {processedRows} in the processed CSV");
        }
    }
}
