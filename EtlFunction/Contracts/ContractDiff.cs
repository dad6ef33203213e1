using EtlFunction.Database;

namespace EtlFunction.Contracts;

/// <summary>Where a contract change lands: the database table, the Parquet archive's schema, or which rows are accepted.</summary>
public enum ChangeArea { Table, Parquet, Rows }

/// <summary>One change between two contracts, said as what it does.</summary>
public sealed record ContractChange(ChangeArea Area, string Text);

/// <summary>
/// What replacing a contract would do, before it is published (<c>contract diff OLD NEW</c>): the table it
/// loads (the loader never alters an existing table, so a column, type, nullability or key change makes the
/// next load fail with <c>SchemaMismatch</c> until the table is migrated), the Parquet schema of new archive
/// files (readers of the dataset see two schemas), and the rules that decide which rows are accepted.
/// </summary>
public static class ContractDiff
{
    public static IReadOnlyList<ContractChange> Compare(DatasetContract old, DatasetContract @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var changes = new List<ContractChange>();
        void Add(ChangeArea a, string t) => changes.Add(new ContractChange(a, t));

        if (old.Table != @new.Table) Add(ChangeArea.Table, $"table {old.Table} -> {@new.Table}: the next run loads a new table; {old.Table} keeps its rows");
        var oldCols = old.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var newCols = @new.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var c in @new.Columns.Where(c => !oldCols.ContainsKey(c.Name)))
        {
            var evolves = @new.SchemaEvolution == SchemaEvolution.AddColumns && !MySqlSchema.IsNotNull(@new, c);
            Add(ChangeArea.Table, evolves
                ? $"column {c.Name} added ({MySqlSchema.DeclaredType(@new, c)}{Null(c)}): the next load adds it to an existing table (schema_evolution: add_columns; old rows read NULL)"
                : $"column {c.Name} added ({MySqlSchema.DeclaredType(@new, c)}{Null(c)}): an existing table needs ALTER TABLE ... ADD COLUMN before the next load");
            Add(ChangeArea.Parquet, $"column {c.Name} added ({c.Type}{Null(c)})");
        }
        foreach (var c in old.Columns.Where(c => !newCols.ContainsKey(c.Name)))
        {
            Add(ChangeArea.Table, $"column {c.Name} removed: an existing table still has it, and the next load fails until it is dropped");
            Add(ChangeArea.Parquet, $"column {c.Name} removed");
        }
        foreach (var n in @new.Columns.Where(c => oldCols.ContainsKey(c.Name)))
        {
            var o = oldCols[n.Name];
            var (ot, nt) = (MySqlSchema.DeclaredType(old, o), MySqlSchema.DeclaredType(@new, n));
            if (ot != nt || o.Nullable != n.Nullable)
            {
                Add(ChangeArea.Table, $"column {n.Name}: {ot}{Null(o)} -> {nt}{Null(n)}: an existing table needs ALTER TABLE ... MODIFY before the next load");
            }
            if (o.Type != n.Type || o.Nullable != n.Nullable)
            {
                Add(ChangeArea.Parquet, $"column {n.Name}: {o.Type}{Null(o)} -> {n.Type}{Null(n)}");
            }
            if (o.Source != n.Source) Add(ChangeArea.Rows, $"column {n.Name} now reads header '{n.Source}' (was '{o.Source}')");
            var (or, nr) = (RuleLines(o), RuleLines(n));
            if (!or.SequenceEqual(nr))
            {
                var lines = or.Except(nr).Select(l => "- " + l).Concat(nr.Except(or).Select(l => "+ " + l));
                Add(ChangeArea.Rows, $"column {n.Name} rules changed (rows accepted before may be rejected now, or the reverse): {string.Join("; ", lines)}");
            }
        }
        if (!old.PrimaryKey.SequenceEqual(@new.PrimaryKey))
        {
            Add(ChangeArea.Table, $"primary key [{string.Join(", ", old.PrimaryKey)}] -> [{string.Join(", ", @new.PrimaryKey)}]: an existing table's key must be changed before the next load");
        }
        if (old.SchemaEvolution != @new.SchemaEvolution)
        {
            Add(ChangeArea.Table, $"schema_evolution {Evolution(old)} -> {Evolution(@new)}");
        }
        if (old.LoadMode != @new.LoadMode) Add(ChangeArea.Table, $"load mode {Lower(old.LoadMode)} -> {Lower(@new.LoadMode)}");
        if (old.Dedupe != @new.Dedupe) Add(ChangeArea.Rows, $"dedupe {Lower(old.Dedupe)} -> {Lower(@new.Dedupe)}");
        if (old.Archive.PartitionBy != @new.Archive.PartitionBy)
        {
            Add(ChangeArea.Parquet, $"partitioned by {old.Archive.PartitionBy ?? "the source's day"} -> {@new.Archive.PartitionBy ?? "the source's day"}");
        }
        if (old.Archive.Compression != @new.Archive.Compression) Add(ChangeArea.Parquet, $"compression {old.Archive.Compression} -> {@new.Archive.Compression}");
        var (of, nf) = (SettingLines(old), SettingLines(@new));
        if (!of.SequenceEqual(nf))
        {
            var lines = of.Except(nf).Select(l => "- " + l).Concat(nf.Except(of).Select(l => "+ " + l));
            Add(ChangeArea.Rows, $"file rules changed: {string.Join("; ", lines)}");
        }
        return changes;
    }

    private static string Evolution(DatasetContract c) => c.SchemaEvolution == SchemaEvolution.AddColumns ? "add_columns" : "none";

    /// <summary>A column's parsing rules (null values, formats, transforms, checks) as canonical YAML lines.</summary>
    private static List<string> RuleLines(ColumnSpec c)
    {
        var probe = new DatasetContract { Dataset = "x", Table = "x", Columns = [c with { Name = "x", Source = "x", Nullable = true }] };
        var yaml = ContractWriter.ToYaml(probe, comments: false).Split('\n');
        var start = Array.IndexOf(yaml, "columns:") + 1;
        return yaml.Skip(start).TakeWhile(l => l.StartsWith(' ')).Select(l => l.Trim())
            .Where(l => !l.StartsWith("- name:", StringComparison.Ordinal) && !l.StartsWith("source:", StringComparison.Ordinal)
                && !l.StartsWith("type:", StringComparison.Ordinal) && !l.StartsWith("nullable:", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The file-level rules that decide rows (delimiter, encoding, null values, unknown columns, field length, filters).</summary>
    private static List<string> SettingLines(DatasetContract c)
    {
        var yaml = ContractWriter.ToYaml(c with { Dataset = "x", Table = "x", Columns = [], PrimaryKey = [], LoadMode = LoadMode.Append, Archive = new() }, comments: false);
        return yaml.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("dataset:", StringComparison.Ordinal) && !l.StartsWith("table:", StringComparison.Ordinal)
            && l != "columns:" && !l.StartsWith("load:", StringComparison.Ordinal) && !l.StartsWith("  mode:", StringComparison.Ordinal)
            && !l.StartsWith("archive:", StringComparison.Ordinal) && !l.StartsWith("  partition_by", StringComparison.Ordinal)
            && !l.StartsWith("  compression", StringComparison.Ordinal) && !l.StartsWith("  row_group_rows", StringComparison.Ordinal)).ToList();
    }

    private static string Null(ColumnSpec c) => c.Nullable ? " NULL" : " NOT NULL";

    /// <summary>An enum value as the contract spells it: <c>KeepLast</c> → <c>keep_last</c>.</summary>
    private static string Lower<T>(T value) where T : Enum =>
        string.Concat(value.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
