using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using EtlFunction.Tests.Unit.Athena;
using EtlFunction.Tests.Unit.Cli;

namespace EtlFunction.Tests.Integration.Athena;

/// <summary>
/// The columns and types <c>athena-ddl</c> declares are the ones an independent Parquet reader finds in the archive
/// files the pipeline writes: DuckDB (scripts/bench's @duckdb/node-api, <c>scripts/bench/duckdb-describe.mjs</c>)
/// describes the archive, hive partition <c>dt</c> included. Needs node and <c>npm ci</c> in scripts/bench
/// (scripts/test.sh does it): missing, the test fails under CI and is ignored elsewhere.
/// </summary>
public partial class AthenaDdlDuckDbTests
{
    /// <summary>What DuckDB calls each Athena type the DDL uses (DuckDB's names for the same Parquet logical types).</summary>
    private static string DuckDbName(string athenaType) => athenaType switch
    {
        "string" => "VARCHAR",
        "int" => "INTEGER",
        "bigint" => "BIGINT",
        "double" => "DOUBLE",
        "boolean" => "BOOLEAN",
        "date" => "DATE",
        // Parquet TIMESTAMP(isAdjustedToUTC=true): an instant, which DuckDB names TIMESTAMP WITH TIME ZONE and Athena reads as timestamp.
        "timestamp" => "TIMESTAMP WITH TIME ZONE",
        var d when d.StartsWith("decimal(", StringComparison.Ordinal) => d.ToUpperInvariant(),
        _ => throw new ArgumentException($"unexpected Athena type {athenaType}"),
    };

    private const string EveryTypeCsv = """
        id,qty,price,amount,ratio,flag,day,at,note
        1,5,12.50,1234.5678,0.25,true,2024-03-01,2024-03-01T10:00:00Z,first
        2,,,99.0001,,,,,
        3,-7,999.99,-1.5,1e10,false,2024-03-02,2024-03-02T23:59:59Z,"quoted, note"

        """;

    [Test]
    public async Task Ddl_EveryTypeContract_EqualsWhatDuckDbReadsFromTheArchive()
    {
        using var h = new CliHarness();
        var contracts = Path.Combine(h.Root, "contracts");
        Directory.CreateDirectory(contracts);
        await File.WriteAllTextAsync(Path.Combine(contracts, "every_type.yaml"), AthenaDdlTests.EveryTypeYaml);
        var file = Path.Combine(h.Root, "every_type.csv");
        await File.WriteAllTextAsync(file, EveryTypeCsv);
        await AssertDdlMatchesArchive(h, file, "every_type", contracts, expectedRows: 3);
    }

    [Test]
    public async Task Ddl_OrdersSample_EqualsWhatDuckDbReadsFromTheArchive()
    {
        using var h = new CliHarness();
        await AssertDdlMatchesArchive(h, Path.Combine(RepoPaths.Samples, "orders.csv"), "orders", RepoPaths.Contracts, expectedRows: null);
    }

    private static async Task AssertDdlMatchesArchive(CliHarness h, string file, string dataset, string contracts, long? expectedRows)
    {
        var script = RequireDuckDb();
        var run = await h.Run("", "run", file, "--dataset", dataset, "--contracts", contracts, "--json", "--quiet");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        if (expectedRows is { } rows) Assert.That(run.Json.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(rows), run.Stdout);

        var ddlOut = new StringWriter();
        var ddlErr = new StringWriter();
        var ddlExit = await EtlFunction.Cli.CliApp.RunAsync(["athena-ddl", dataset, "--contracts", contracts, "--bucket", "archive"], new StringReader(""), ddlOut, ddlErr);
        Assert.That(ddlExit, Is.Zero, ddlErr.ToString());
        var ddl = new CliHarness.Result(ddlExit, ddlOut.ToString(), ddlErr.ToString());
        var declared = ColumnLine().Matches(ddl.Stdout).Select(m => (Name: m.Groups[1].Value, Type: DuckDbName(m.Groups[2].Value))).ToList();
        var partition = PartitionLine().Match(ddl.Stdout);
        Assert.That(partition.Success, Is.True, ddl.Stdout);
        declared.Add((partition.Groups[1].Value, DuckDbName(partition.Groups[2].Value)));

        // The DDL's LOCATION is <archive>/<dataset>/ and its template dt=${dt}/: the same layout on the local store.
        Assert.That(ddl.Stdout, Does.Contain($"LOCATION 's3://archive/{dataset}/'"));
        var glob = Path.Combine(h.Store, "archive", dataset, "dt=*", "*.parquet");
        var described = await DescribeAsync(script, glob);
        Assert.That(described, Is.EqualTo(declared), $"DuckDB: {string.Join(", ", described)}\nDDL:\n{ddl.Stdout}");
    }

    private static async Task<List<(string Name, string Type)>> DescribeAsync(string script, string glob)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(glob);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        Assert.That(p.ExitCode, Is.Zero, await stderr);
        using var doc = JsonDocument.Parse(await stdout);
        return [.. doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("type").GetString()!))];
    }

    /// <summary>The describe script, when node and the DuckDB package are installed; else fails under CI and ignores the test elsewhere.</summary>
    private static string RequireDuckDb()
    {
        var bench = Path.Combine(RepoPaths.Root, "scripts", "bench");
        var problem = Directory.Exists(Path.Combine(bench, "node_modules", "@duckdb", "node-api"))
            ? (NodeRuns() ? null : "node is not on the PATH")
            : "scripts/bench/node_modules has no @duckdb/node-api (run: cd scripts/bench && npm ci; scripts/test.sh does)";
        if (problem is null) return Path.Combine(bench, "duckdb-describe.mjs");
        if (TestServices.UnderCi) Assert.Fail("DuckDB is not available: " + problem);
        Assert.Ignore("DuckDB is not available: " + problem);
        return ""; // not reached
    }

    private static bool NodeRuns()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            p.WaitForExit(30_000);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^  `([^`]+)` ([a-z]+(?:\(\d+,\d+\))?),?$", RegexOptions.Multiline)]
    private static partial Regex ColumnLine();

    [GeneratedRegex(@"^PARTITIONED BY \(`([^`]+)` ([a-z]+)\)$", RegexOptions.Multiline)]
    private static partial Regex PartitionLine();
}
