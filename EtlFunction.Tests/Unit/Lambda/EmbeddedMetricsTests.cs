using System.Text.Json;
using EtlFunction.Lambda;
using EtlFunction.Steps;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>The embedded-metric lines: which counts each step reports, and the exact EMF envelope.</summary>
public class EmbeddedMetricsTests
{
    private static readonly RunState State = new()
    {
        RunId = "0123456789abcdef",
        Dataset = "orders",
        Source = new ObjectRef("landing", "orders/x.csv") { Size = 1000 },
        Processed = new ObjectRef("processed", "orders/r/part-00000.csv") { Size = 800 },
        Rejects = new ObjectRef("processed", "_rejects/orders/r.csv") { Size = 50 },
        RowsRead = 10,
        RowsWritten = 7,
        RowsFiltered = 1,
        RowsRejected = 2,
        RowsLoaded = 7,
        Archive = [new ArchiveRef("archive", "orders/dt=2024-01-01/r.parquet", "2024-01-01", 7)],
    };

    private static Dictionary<string, double> Values(string step) =>
        EmbeddedMetrics.For(step, State, 12.5).ToDictionary(m => m.Name, m => m.Value);

    [Test]
    public void For_EachStepReportsWhatItDid()
    {
        Assert.That(Values("preprocess"), Is.EquivalentTo(new Dictionary<string, double>
        {
            ["RowsRead"] = 10, ["RowsWritten"] = 7, ["RowsRejected"] = 2, ["RowsFiltered"] = 1,
            ["BytesRead"] = 1000, ["BytesWritten"] = 850, ["DurationMs"] = 12.5,
        }));
        Assert.That(Values("load"), Is.EquivalentTo(new Dictionary<string, double> { ["RowsLoaded"] = 7, ["BytesRead"] = 800, ["DurationMs"] = 12.5 }));
        Assert.That(Values("archive"), Is.EquivalentTo(new Dictionary<string, double> { ["RowsWritten"] = 7, ["BytesRead"] = 800, ["DurationMs"] = 12.5 }));
        Assert.That(Values("finalize").Keys, Is.EquivalentTo(new[] { "RowsRead", "RowsWritten", "RowsRejected", "RowsLoaded", "RejectedPercent", "DurationMs" }));
    }

    [Test]
    public void For_Finalize_ReportsRejectedRowsAsAPercentageOfRowsRead()
    {
        Assert.That(Values("finalize")["RejectedPercent"], Is.EqualTo(20));
        var third = EmbeddedMetrics.For("finalize", State with { RowsRead = 3, RowsRejected = 1 }, 1);
        Assert.That(third.Single(m => m.Name == "RejectedPercent"), Is.EqualTo(new Metric("RejectedPercent", "Percent", 33.333)));
    }

    [Test]
    public void For_FinalizeOfAnEmptyFile_ReportsNoRejectedPercent()
    {
        var empty = EmbeddedMetrics.For("finalize", State with { RowsRead = 0, RowsWritten = 0, RowsRejected = 0 }, 1);
        Assert.That(empty.Select(m => m.Name), Does.Not.Contain("RejectedPercent"));
    }

    [Test]
    public void For_EveryStepWithEveryCountKnown_EmitsOnlyNamesInMetricNames()
    {
        // Metric.Names is the list the template's alarms and dashboard are checked against (AlertsTests):
        // a count emitted under a name missing from it would be invisible to that check.
        var emitted = StepRegistry.Names.SelectMany(step => EmbeddedMetrics.For(step, State, 1)).Select(m => m.Name).Distinct().ToList();
        Assert.That(emitted, Is.SubsetOf(Metric.Names));
        Assert.That(Metric.Names, Is.SubsetOf(emitted), "a name in Metric.Names that no step emits");
    }

    [Test]
    public void For_LoadOfAnAlreadyLoadedRun_LoadsNothing()
    {
        var again = EmbeddedMetrics.For("load", State with { AlreadyLoaded = true }, 1);
        Assert.That(again.Single(m => m.Name == "RowsLoaded").Value, Is.Zero);
    }

    [Test]
    public void Line_IsTheEmfEnvelope()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var line = EmbeddedMetrics.Line("load", "orders", [new Metric("RowsLoaded", "Count", 7)], now, "EtlFunction", ("runId", "r1"), ("absent", null));

        Assert.That(line, Is.EqualTo(
            """{"_aws":{"Timestamp":1700000000123,"CloudWatchMetrics":[{"Namespace":"EtlFunction","Dimensions":[["Step","Dataset"]],"Metrics":[{"Name":"RowsLoaded","Unit":"Count"}]}]},"Step":"load","Dataset":"orders","RowsLoaded":7,"runId":"r1"}"""));
        Assert.That(line, Does.Not.Contain("\n"));
        Assert.That(() => JsonDocument.Parse(line), Throws.Nothing);
    }

    [Test]
    public void JsonLogger_LeavesNullFieldsOut_AndKeepsTextReadable()
    {
        var output = new StringWriter();
        var log = new JsonLogger(output, new FixedClock()) { RequestId = "r", Step = "load" };
        log.Info("it's +1 \"quoted\"", ("a", 1), ("b", null));
        log.StepMessage("warning: 3 invalid UTF-8 sequences");

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("""{"timestamp":"2024-01-02T03:04:05.006Z","level":"info","message":"it's +1 \"quoted\"","requestId":"r","step":"load","a":1}"""));
        Assert.That(JsonDocument.Parse(lines[1]).RootElement.GetProperty("level").GetString(), Is.EqualTo("warn"));
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2024, 1, 2, 3, 4, 5, 6, TimeSpan.Zero);
    }
}
