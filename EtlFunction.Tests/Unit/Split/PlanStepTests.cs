using EtlFunction.Tests.Unit.Cli;

namespace EtlFunction.Tests.Unit.Split;

/// <summary><c>invoke plan</c>: the pieces a Distributed Map would iterate.</summary>
public class PlanStepTests
{
    [Test]
    public async Task InvokePlan_ReturnsSelfContainedPiecesCoveringTheObject()
    {
        using var h = new CliHarness();
        var text = PlanFiles.Straddling(30);
        var path = Path.Combine(h.Store, "landing", "people", "p.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);

        var r = await h.Run("""{"bucket":"landing","key":"people/p.csv","chunkSize":100,"splitThreshold":0}""", "invoke", "plan");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        Assert.That(j.GetProperty("split").GetBoolean(), Is.True);
        var run = j.GetProperty("run");
        var header = run.GetProperty("headerLength").GetInt64();
        Assert.That(header, Is.EqualTo("id,name,score\n".Length));
        Assert.That(j.GetProperty("gzip").GetBoolean(), Is.False);
        var pieces = j.GetProperty("pieces").EnumerateArray().ToList();
        Assert.That(pieces, Has.Count.GreaterThan(3));
        Assert.That(pieces[0].GetProperty("start").GetInt64(), Is.EqualTo(header));
        Assert.That(pieces[^1].GetProperty("end").GetInt64(), Is.EqualTo(j.GetProperty("length").GetInt64()));
        Assert.That(pieces[0].GetProperty("firstLine").GetInt64(), Is.EqualTo(2));
        Assert.That(run.GetProperty("pieceCount").GetInt32(), Is.EqualTo(pieces.Count));
        Assert.That(run.GetProperty("source").GetProperty("key").GetString(), Is.EqualTo("people/p.csv"));
        Assert.That(run.GetProperty("source").GetProperty("eTag").GetString(), Is.Not.Empty);
        Assert.That(pieces.Select(p => p.GetProperty("index").GetInt32()), Is.EqualTo(Enumerable.Range(0, pieces.Count)));
        for (var i = 1; i < pieces.Count; i++) Assert.That(pieces[i].GetProperty("start").GetInt64(), Is.EqualTo(pieces[i - 1].GetProperty("end").GetInt64()));
    }

    [Test]
    public async Task InvokePlan_BadChunkSize_IsInvalidInput()
    {
        using var h = new CliHarness();
        var path = Path.Combine(h.Store, "landing", "people", "p.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "id\n1\n");
        var r = await h.Run("""{"bucket":"landing","key":"people/p.csv","chunkSize":0}""", "invoke", "plan");
        Assert.That(r.ExitCode, Is.EqualTo(3), r.Stdout + r.Stderr);
    }
}
