using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Generator;
using EtlFunction.Tests.Support;
using EtlFunction.Tests.Unit.Generator;
using static EtlFunction.Tests.Unit.Contracts.InferenceAssert;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>Inference on the generated sample files (dirty on purpose): the inferred contract cleans them without losing a row.</summary>
public sealed class ContractInferrerSampleTests
{
    [TestCase("orders", 5_000)]
    [TestCase("titanic", 900)]
    public void Infer_GeneratedSample_CleansWithoutRejects(string kind, int rows)
    {
        var csv = Encoding.UTF8.GetString(CsvRecords.Generate(DataGenerators.Create(kind, rows, 42)));
        var r = Infer(csv, kind);
        Assert.That(r.RowsScanned, Is.EqualTo(rows));
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_OrdersSample_TypesWhatIsCleanAndExplainsTheRest()
    {
        var csv = Encoding.UTF8.GetString(CsvRecords.Generate(DataGenerators.Create("orders", 5_000, 42)));
        var r = Infer(csv, "orders");
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.Columns.Select(c => $"{c.Name}:{c.Type}"), Is.EqualTo(new[]
            {
                "order_id:int32", "customer_id:int32", "customer_email:string", "country:string", "amount:string", "currency:string",
                "order_date:string", "created_at:timestamp", "status:string", "is_gift:bool", "note:string", "quantity:int32",
            }));
            Assert.That(r.Contract.PrimaryKey, Is.Empty, "order_id repeats");
            Assert.That(r.Note("order_id"), Does.Contain("named like a key but duplicate values"));
            Assert.That(r.Note("amount"), Does.Contain("not a number"));
            Assert.That(r.Note("order_date"), Does.Contain("not a date"));
            Assert.That(r.Note("customer_email"), Does.Contain("leading/trailing spaces"));
        });
    }
}
