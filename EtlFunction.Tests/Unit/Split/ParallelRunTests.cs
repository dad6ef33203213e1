using EtlFunction.Generator;
using EtlFunction.Parquet;
using EtlFunction.Tests.Unit.Cli;

namespace EtlFunction.Tests.Unit.Split;

/// <summary><c>run FILE --parallel N</c>: the split run and the one-pass run give the same outputs and counts.</summary>
public class ParallelRunTests
{
    [Test]
    public async Task Run_Parallel_SameOutputsAsSinglePass()
    {
        using var single = new CliHarness();
        using var split = new CliHarness();
        var file = Path.Combine(single.Root, "orders.csv");
        using (var f = File.Create(file)) new OrdersGenerator(20_000, seed: 5).Write(f);

        var a = await single.Run("", "run", file, "--dataset", "orders", "--json", "--db", single.Db);
        var b = await split.Run("", "run", file, "--dataset", "orders", "--json", "--db", split.Db, "--parallel", "3");
        Assert.That(a.ExitCode, Is.Zero, a.Stderr);
        Assert.That(b.ExitCode, Is.Zero, b.Stderr);
        Assert.That(b.Stderr, Does.Contain("split into 3 pieces"));
        foreach (var p in new[] { "rowsRead", "rowsWritten", "rowsFiltered", "rowsRejected", "rowsDeduplicated", "rowsLoaded" })
        {
            Assert.That(b.Json.GetProperty(p).GetInt64(), Is.EqualTo(a.Json.GetProperty(p).GetInt64()), p);
        }
        Assert.That(a.Json.GetProperty("rowsDeduplicated").GetInt64(), Is.GreaterThan(0));
        Assert.That(File.ReadAllBytes(CliHarness.Full(b.Json.GetProperty("processed"))), Is.EqualTo(File.ReadAllBytes(CliHarness.Full(a.Json.GetProperty("processed")))));
        Assert.That(File.ReadAllBytes(CliHarness.Full(b.Json.GetProperty("rejects"))), Is.EqualTo(File.ReadAllBytes(CliHarness.Full(a.Json.GetProperty("rejects")))));
        long Rows(CliHarness.Result r) => r.Json.GetProperty("archive").EnumerateArray().Sum(x => ParquetReadBack.ReadFile(CliHarness.Full(x)).RowCount);
        Assert.That(Rows(b), Is.EqualTo(Rows(a)));
    }

    [TestCase("0", "--parallel needs a number from 1 to 256, got 0")]
    [TestCase("x", "--parallel needs a whole number, got 'x'")]
    public async Task Run_BadParallel_IsAUsageError(string n, string message)
    {
        using var h = new CliHarness();
        var r = await h.Run("", "run", Path.Combine(RepoPaths.Samples, "titanic.csv"), "--parallel", n);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("error: " + message));
        Assert.That(r.Stdout, Is.Empty, "a usage error prints no result");
    }
}
