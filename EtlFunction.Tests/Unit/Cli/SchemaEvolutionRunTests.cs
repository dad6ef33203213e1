using System.Text.Json;
using EtlFunction.Parquet;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>
/// <c>run</c> of a file, then of a later file with a new optional column and a contract that says
/// <c>schema_evolution: add_columns</c>: the SQLite table gains the column (NULL for the old rows), the manifest lists
/// the change, and both runs' Parquet files stay readable side by side, column by column name.
/// </summary>
public class SchemaEvolutionRunTests
{
    private const string V1 = """
        dataset: people
        columns:
          - {name: id, type: int64, nullable: false}
          - {name: name, type: string}
        primary_key: [id]
        load: {mode: upsert}
        """;

    private static string V2Contract() => V1.Replace("  - {name: name, type: string}", "  - {name: name, type: string}\n  - {name: email, source: Email, type: string}", StringComparison.Ordinal)
        + "\nschema_evolution: add_columns\n";

    private static List<object?[]> Rows(string db, string sql) => Database.SqliteTestDb.QueryFile(db, sql);

    /// <summary>
    /// <c>run</c> of <c>people-1.csv</c> (id, name) with the v1 contract, then of <c>people-2.csv</c> (id, name, Email)
    /// with the v2 contract (a new nullable <c>email</c>, <c>schema_evolution: add_columns</c>); both must succeed.
    /// </summary>
    internal static async Task<(CliHarness.Result First, CliHarness.Result Second)> RunV1ThenV2(CliHarness h)
    {
        var contracts = Directory.CreateDirectory(Path.Combine(h.Root, "contracts")).FullName;
        var v1File = Path.Combine(h.Root, "people-1.csv");
        var v2File = Path.Combine(h.Root, "people-2.csv");
        await File.WriteAllTextAsync(v1File, "id,name\n1,Ann\n2,Bob\n");
        await File.WriteAllTextAsync(v2File, "id,name,Email\n2,Bob,bob@example.com\n3,Cy,\n");

        await File.WriteAllTextAsync(Path.Combine(contracts, "people.yaml"), V1);
        var first = await h.Run("", "run", v1File, "--dataset", "people", "--contracts", contracts, "--json", "--db", h.Db);
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);

        await File.WriteAllTextAsync(Path.Combine(contracts, "people.yaml"), V2Contract());
        var second = await h.Run("", "run", v2File, "--dataset", "people", "--contracts", contracts, "--json", "--db", h.Db);
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);
        return (first, second);
    }

    [Test]
    public async Task Run_FileThenFileWithNewOptionalColumn_OldRowsReadNullAndManifestListsTheColumn()
    {
        using var h = new CliHarness();
        var (first, second) = await RunV1ThenV2(h);

        Assert.That(Rows(h.Db, "SELECT id, name, email FROM people ORDER BY id"), Is.EqualTo(new[]
        {
            new object?[] { 1L, "Ann", null }, [2L, "Bob", "bob@example.com"], [3L, "Cy", null],
        }), "Ann was loaded before the column existed: NULL; Bob was upserted with his email; Cy's is empty in the file");

        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(CliHarness.Full(second.Json.GetProperty("manifest")))).RootElement;
        var change = manifest.GetProperty("schemaChanges").EnumerateArray().Single();
        Assert.That((change.GetProperty("change").GetString(), change.GetProperty("table").GetString(), change.GetProperty("column").GetString(),
            change.GetProperty("type").GetString(), change.GetProperty("declared").GetString()), Is.EqualTo(("add_column", "people", "email", "string", "TEXT")));
        var firstManifest = JsonDocument.Parse(await File.ReadAllTextAsync(CliHarness.Full(first.Json.GetProperty("manifest")))).RootElement;
        Assert.That(firstManifest.GetProperty("schemaChanges").GetArrayLength(), Is.Zero);

        // The archive: the old file has no email column, the new one has it; read by name (as DuckDB's union_by_name does) both work.
        var oldParquet = ParquetReadBack.ReadFile(CliHarness.Full(first.Json.GetProperty("archive")[0]));
        var newParquet = ParquetReadBack.ReadFile(CliHarness.Full(second.Json.GetProperty("archive")[0]));
        Assert.That(oldParquet.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "name" }));
        Assert.That(newParquet.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "name", "email" }));
        var unioned = new[] { oldParquet, newParquet }.SelectMany(p =>
        {
            var has = p.Columns.Any(c => c.Name == "email");
            return p.Values("id").Select((id, i) => (id, name: p.Values("name")[i], email: has ? p.Values("email")[i] : null));
        }).ToList();
        Assert.That(unioned, Is.EqualTo(new (object?, object?, object?)[]
        {
            (1L, "Ann", null), (2L, "Bob", null), (2L, "Bob", "bob@example.com"), (3L, "Cy", null),
        }));
    }
}
