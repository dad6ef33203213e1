using EtlFunction.Tests.Unit.Cleaning;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>A broken gzip file fails the local run with InvalidInput before anything is committed, and is quarantined.</summary>
public class RunGzipInputTests
{
    private static long Count(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool HasTable(string db, string like) =>
        File.Exists(db) && Count(db, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '{like}'") > 0;

    [TestCase("truncated")]
    [TestCase("missing trailer")]
    [TestCase("CRC32 mismatch")]
    public async Task Run_BrokenGzip_InvalidInputNothingCommittedAndQuarantined(string damage)
    {
        using var h = new CliHarness();
        var gz = GzipVerifyingStreamTests.Gzip(GzipVerifyingStreamTests.Payload());
        gz = damage switch
        {
            "truncated" => gz[..(gz.Length * 2 / 3)],
            "missing trailer" => gz[..^8],
            _ => [.. gz[..^8], (byte)(gz[^8] ^ 1), .. gz[^7..]],
        };
        var file = Path.Combine(h.Root, "widgets.csv.gz");
        await File.WriteAllBytesAsync(file, gz);

        var r = await h.Run("", "run", file, "--json", "--db", h.Db);

        Assert.That(r.ExitCode, Is.EqualTo(3), r.Stdout + r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("InvalidInput"));
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain(damage == "missing trailer" ? "0 of the 8" : damage).And.Contain("offset"));
        var written = Directory.GetFiles(h.Store, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("_failed", StringComparison.Ordinal) && !f.Contains("landing", StringComparison.Ordinal) && f != h.Db && !f.StartsWith(h.Db, StringComparison.Ordinal))
            .ToList();
        Assert.That(written, Is.Empty, "no processed, rejects, Parquet or manifest object");
        Assert.That(HasTable(h.Db, "widgets%"), Is.False, "no table");
        Assert.That(HasTable(h.Db, "_etl_ledger") && Count(h.Db, "SELECT COUNT(*) FROM _etl_ledger") > 0, Is.False, "no ledger row");
        var failed = Directory.GetFiles(Path.Combine(h.Store, "processed", "_failed"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.That(failed, Does.Contain("error.json").And.Contain("widgets.csv.gz"));
    }

    [Test]
    public async Task Run_ConcatenatedGzipMembers_LoadsEveryRow()
    {
        using var h = new CliHarness();
        var first = GzipVerifyingStreamTests.Payload(3_000);
        var more = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(3_001, 500).Select(i => $"{i},n{i},{i}.5\n")));
        var file = Path.Combine(h.Root, "widgets.csv.gz");
        await File.WriteAllBytesAsync(file, [.. GzipVerifyingStreamTests.Gzip(first), .. GzipVerifyingStreamTests.Gzip(more)]);

        var r = await h.Run("", "run", file, "--json", "--db", h.Db);

        Assert.That(r.ExitCode, Is.Zero, r.Stdout + r.Stderr);
        Assert.That(r.Json.GetProperty("rowsRead").GetInt64(), Is.EqualTo(3_500));
        Assert.That(Count(h.Db, "SELECT COUNT(*) FROM widgets"), Is.EqualTo(3_500));
    }
}
