using System.Text.Json;
using EtlFunction.Tests.Unit.Cli;

namespace EtlFunction.Tests.Integration.Parquet;

/// <summary>
/// After a schema evolution the archive holds files with and without the new column; DuckDB (the npm package of
/// <c>scripts/bench</c>) reads them together with <c>union_by_name</c>, the old file's rows giving NULL.
/// </summary>
public class ParquetUnionByNameTests
{
    private static readonly string DuckDbPackage = Path.Combine(RepoPaths.Root, "scripts", "bench", "node_modules", "@duckdb", "node-api");

    [Test]
    public async Task DuckDb_OldAndEvolvedArchiveFiles_ReadTogetherByColumnName()
    {
        if (!Directory.Exists(DuckDbPackage))
        {
            Assert.Ignore("DuckDB for node is not installed: run `npm ci` in scripts/bench");
        }
        using var h = new CliHarness();
        var (first, second) = await SchemaEvolutionRunTests.RunV1ThenV2(h);
        var files = new[] { first, second }.Select(r => CliHarness.Full(r.Json.GetProperty("archive")[0])).ToList();
        var script = Path.Combine(h.Root, "union.mjs");
        await File.WriteAllTextAsync(script, $$"""
            import { createRequire } from 'module';
            const require = createRequire({{JsonSerializer.Serialize(Path.Combine(RepoPaths.Root, "scripts", "bench", "package.json"))}});
            const { DuckDBInstance } = require('@duckdb/node-api');
            const connection = await (await DuckDBInstance.create(':memory:')).connect();
            const files = {{JsonSerializer.Serialize(files)}}.map(f => `'${f.replaceAll("'", "''")}'`).join(', ');
            const reader = await connection.runAndReadAll(
              `SELECT id, name, email FROM read_parquet([${files}], union_by_name = true) ORDER BY id, email NULLS FIRST`);
            console.log(JSON.stringify(reader.getRowsJson()));
            """);

        var run = await ChildProcess.RunAsync("node", [script]);

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        var rows = JsonSerializer.Deserialize<string?[][]>(run.Stdout.Trim())!;
        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { "1", "Ann", null }, ["2", "Bob", null], ["2", "Bob", "bob@example.com"], ["3", "Cy", null],
        }), "the first run's file has no email column: DuckDB gives NULL for its rows");
    }
}
