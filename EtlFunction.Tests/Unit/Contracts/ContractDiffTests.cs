using EtlFunction.Contracts;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>What <c>contract diff</c> says a new contract does to the table, the Parquet schema and the accepted rows.</summary>
public class ContractDiffTests
{
    private const string Base = """
        dataset: scores
        columns:
          - {name: id, type: int32, nullable: false}
          - {name: score, type: int32, checks: {min: 0, max: 100}}
          - {name: note, type: string}
        primary_key: [id]
        load: {mode: upsert}
        """;

    private static IReadOnlyList<ContractChange> Diff(string newYaml) =>
        ContractDiff.Compare(ContractLoader.Parse(Base, "old.yaml"), ContractLoader.Parse(newYaml, "new.yaml"));

    private static string[] In(IReadOnlyList<ContractChange> changes, ChangeArea area) => changes.Where(c => c.Area == area).Select(c => c.Text).ToArray();

    [Test]
    public void Compare_SameRulesOtherFormatting_NoChanges()
    {
        var same = "# comment\n" + Base.Replace("{mode: upsert}", "\n  mode: upsert", StringComparison.Ordinal);
        Assert.That(Diff(same), Is.Empty);
    }

    [Test]
    public void Compare_CheckTightened_RowsChangeOnlyWithBothRules()
    {
        var changes = Diff(Base.Replace("max: 100", "max: 50", StringComparison.Ordinal));

        Assert.That(In(changes, ChangeArea.Table), Is.Empty);
        Assert.That(In(changes, ChangeArea.Parquet), Is.Empty);
        var rows = In(changes, ChangeArea.Rows);
        Assert.That(rows, Has.Length.EqualTo(1));
        Assert.That(rows[0], Does.StartWith("column score rules changed").And.Contain("- checks: {min: \"0\", max: \"100\"}").And.Contain("+ checks: {min: \"0\", max: \"50\"}"));
    }

    [Test]
    public void Compare_ColumnAdded_TableNeedsAlterAndParquetGainsColumn()
    {
        var changes = Diff(Base.Replace("primary_key", "  - {name: amount, type: \"decimal(10,2)\", nullable: false}\nprimary_key", StringComparison.Ordinal));

        Assert.That(In(changes, ChangeArea.Table), Is.EqualTo(new[] { "column amount added (DECIMAL(10,2) NOT NULL): an existing table needs ALTER TABLE ... ADD COLUMN before the next load" }));
        Assert.That(In(changes, ChangeArea.Parquet), Is.EqualTo(new[] { "column amount added (decimal(10,2) NOT NULL)" }));
        Assert.That(In(changes, ChangeArea.Rows), Is.Empty);
    }

    [Test]
    public void Compare_ColumnsAddedUnderSchemaEvolution_NullableOnesNeedNoAlter()
    {
        var changes = Diff(Base.Replace("primary_key", "  - {name: email, type: string}\n  - {name: amount, type: \"decimal(10,2)\", nullable: false}\nprimary_key", StringComparison.Ordinal)
            + "\nschema_evolution: add_columns\n");

        Assert.That(In(changes, ChangeArea.Table), Is.EqualTo(new[]
        {
            "column email added (LONGTEXT NULL): the next load adds it to an existing table (schema_evolution: add_columns; old rows read NULL)",
            "column amount added (DECIMAL(10,2) NOT NULL): an existing table needs ALTER TABLE ... ADD COLUMN before the next load",
            "schema_evolution none -> add_columns",
        }));
    }

    [Test]
    public void Compare_ColumnRemovedAndTypeWidened_BothReported()
    {
        var changes = Diff(Base.Replace("  - {name: note, type: string}\n", "", StringComparison.Ordinal).Replace("name: score, type: int32", "name: score, type: int64", StringComparison.Ordinal));

        Assert.That(In(changes, ChangeArea.Table), Is.EqualTo(new[]
        {
            "column note removed: an existing table still has it, and the next load fails until it is dropped",
            "column score: INT NULL -> BIGINT NULL: an existing table needs ALTER TABLE ... MODIFY before the next load",
        }));
        Assert.That(In(changes, ChangeArea.Parquet), Is.EqualTo(new[] { "column note removed", "column score: int32 NULL -> int64 NULL" }));
    }

    [Test]
    public void Compare_KeyModeTableAndPartition_Reported()
    {
        var yaml = Base.Replace("dataset: scores", "dataset: scores\ntable: scores_v2", StringComparison.Ordinal)
            .Replace("load: {mode: upsert}", "load: {mode: append}\ndedupe: keep_first", StringComparison.Ordinal)
            .Replace("- {name: note, type: string}", "- {name: note, type: string}\n  - {name: day, type: date}", StringComparison.Ordinal)
            + "\narchive: {partition_by: day}\nfilters:\n  - {column: note, drop: {equals: test}}\n";
        var changes = Diff(yaml);

        Assert.That(In(changes, ChangeArea.Table), Does.Contain("table scores -> scores_v2: the next run loads a new table; scores keeps its rows"));
        Assert.That(In(changes, ChangeArea.Table), Does.Contain("load mode upsert -> append"));
        Assert.That(In(changes, ChangeArea.Parquet), Does.Contain("partitioned by the source's day -> day"));
        Assert.That(In(changes, ChangeArea.Rows), Does.Contain("dedupe keep_last -> keep_first"));
        Assert.That(In(changes, ChangeArea.Rows).Single(t => t.StartsWith("file rules", StringComparison.Ordinal)), Does.Contain("+ filters:").And.Contain("drop: {equals: \"test\"}"));
    }
}
