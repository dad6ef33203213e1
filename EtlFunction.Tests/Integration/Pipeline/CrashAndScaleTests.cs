using System.Diagnostics;
using EtlFunction.Generator;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// The binary killed in the middle of a load leaves the table untouched and the rerun completes
/// exactly; a 200 MB object streams through S3, the cleaner, MySQL and Parquet in bounded memory.
/// </summary>
[NonParallelizable]
public class CrashAndScaleTests
{
    [Test]
    public async Task Load_KilledWithSigkillMidway_TableUnchanged_RerunLoadsExactly()
    {
        await using var s = await PipelineServices.StartAsync("crash");
        var file = Path.Combine(s.Work, "orders.csv");
        DataGenerators.Create("orders", 600_000, 11).WriteFile(file);
        await s.Store.PutFileAsync(s.Landing.Name, "orders/orders.csv", file);
        var pre = await s.RunAsync(["invoke", "preprocess", .. s.Options], $$"""{"bucket":"{{s.Landing.Name}}","key":"orders/orders.csv"}""");
        Assert.That(pre.ExitCode, Is.Zero, pre.Stderr);
        var written = pre.Json.GetProperty("rowsWritten").GetInt64();

        // Kill -9 once the server is inside the LOAD DATA statement.
        using (var load = s.Start(["invoke", "load", .. s.Options], pre.Stdout))
        {
            var sw = Stopwatch.StartNew();
            var seen = false;
            while (sw.Elapsed < TimeSpan.FromSeconds(60) && !load.HasExited)
            {
                if (s.Db.Count("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'LOAD DATA%' OR info LIKE 'INSERT INTO%'") > 0)
                {
                    seen = true;
                    await Task.Delay(300);
                    break;
                }
                await Task.Delay(20);
            }
            Assert.That(seen, Is.True, "the load never reached the server's LOAD DATA");
            Assert.That(load.HasExited, Is.False, "the load finished before it could be killed; use a bigger file");
            load.Kill(entireProcessTree: true); // SIGKILL: no cleanup code runs
            await load.WaitForExitAsync();
        }
        // The server rolls the open transaction back when the connection drops.
        var deadline = Stopwatch.StartNew();
        while (s.Db.Count("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'LOAD DATA%' OR info LIKE 'INSERT INTO%'") > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
        var tableExists = s.Db.Count($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{s.Db.Database}' AND table_name = 'orders'") == 1;
        if (tableExists) Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.Zero, "no row of the killed load is visible");
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.Zero, "no ledger row for the killed load");

        var rerun = await s.RunAsync(["invoke", "load", .. s.Options], pre.Stdout);
        Assert.That(rerun.ExitCode, Is.Zero, rerun.Stderr);
        Assert.That(rerun.Json.GetProperty("alreadyLoaded").GetBoolean(), Is.False);
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(written));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public async Task Run_200MegabyteObject_StreamsEndToEndInBoundedMemory()
    {
        await using var s = await PipelineServices.StartAsync("big");
        var file = Path.Combine(s.Work, "orders.csv");
        var truth = new OrdersGenerator(1_750_000, 5).ComputeTruth();
        var bytes = DataGenerators.Create("orders", 1_750_000, 5).WriteFile(file);
        Assert.That(bytes, Is.GreaterThan(200_000_000));
        var r = await s.RunAsync(["run", file, "--json", "--quiet", .. s.Options]);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Json.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(truth.Written));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(truth.Written));
        TestContext.Out.WriteLine($"200 MB run: peak RSS {r.PeakRssBytes / 1048576.0:F0} MiB, timings {r.Json.GetProperty("timings")}");
        // The whole run (upload, clean, load ∥ archive) in one process: the file is 200 MB, the bound is far below it.
        Assert.That(r.PeakRssBytes, Is.GreaterThan(0).And.LessThan(512L << 20)); // measured: 386 MiB
    }
}
