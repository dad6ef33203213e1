namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// <c>generate --json</c> carries the generator's own truth, and a run of the file writes exactly that many
/// rows: what <c>scripts/bench.sh</c> checks when it made the file with the project's generator.
/// </summary>
public class GenerateCommandTests
{
    [Test]
    public async Task GenerateOrdersJson_ExpectedRowsWritten_IsWhatARunWrites()
    {
        using var h = new CliHarness();
        var file = Path.Combine(h.Root, "orders-3000.csv");
        var gen = await h.Run("", "generate", "orders", "--rows", "3000", "--seed", "7", "--out", file, "--json");
        Assert.That(gen.ExitCode, Is.Zero, gen.Stderr);
        var expected = gen.Json.GetProperty("expectedRowsWritten").GetInt64();
        Assert.That(gen.Json.GetProperty("bytes").GetInt64(), Is.EqualTo(new FileInfo(file).Length));
        Assert.That(expected, Is.InRange(2500, 2999), "the generator's noise rejects, filters and supersedes some rows");

        var run = await h.Run("", "run", file, "--dataset", "orders", "--db", h.Db, "--json", "--quiet");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Json.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(expected));
    }

    [Test]
    public async Task GenerateTitanicJson_HasNoTruthToOffer()
    {
        using var h = new CliHarness();
        var gen = await h.Run("", "generate", "titanic", "--rows", "10", "--out", Path.Combine(h.Root, "t.csv"), "--json");
        Assert.That(gen.ExitCode, Is.Zero, gen.Stderr);
        Assert.That(gen.Json.TryGetProperty("expectedRowsWritten", out _), Is.False);
        Assert.That(gen.Json.GetProperty("rows").GetInt64(), Is.EqualTo(10));
    }
}
