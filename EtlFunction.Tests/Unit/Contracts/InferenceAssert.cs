using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Inference;
using EtlFunction.Tests.Unit.Cleaning;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>Helpers for the inference tests: run inference on text, and hold it to its promise with the real cleaner.</summary>
internal static class InferenceAssert
{
    public static InferenceResult Infer(string csv, string dataset = "t", InferenceOptions? options = null) =>
        ContractInferrer.Infer(new StringReader(csv), dataset, options);

    public static ColumnSpec Column(this InferenceResult r, string name) =>
        r.Contract.Columns.Single(c => c.Name == name);

    public static string Note(this InferenceResult r, string name) => r.Notes[name];

    /// <summary>A one-column file: header <c>v</c>, then one value per line.</summary>
    public static InferenceResult InferValues(params string[] values) => Infer("v\n" + string.Join("\n", values) + "\n");

    /// <summary>
    /// Cleans <paramref name="csv"/> with the inferred contract, after a YAML round trip, exactly as
    /// a run would: no row may be rejected except those inference itself skipped for their field
    /// count, or the contract would lose rows of the very file it came from.
    /// </summary>
    public static void CleansWithoutRejects(string csv, InferenceResult r)
    {
        var contract = ContractLoader.Parse(ContractWriter.ToYaml(r.Contract, comments: true, r.Notes), "inferred.yaml");
        var o = CleanHarness.Clean(contract, Encoding.UTF8.GetBytes(csv));
        Assert.Multiple(() =>
        {
            Assert.That(o.Result.RowsRead, Is.EqualTo(r.RowsScanned), "rows read");
            Assert.That(o.Result.RowsRejected, Is.EqualTo(r.RowsSkipped), o.Rejects);
        });
    }
}
