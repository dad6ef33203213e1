using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>One column a load added to an existing table (<c>schema_evolution: add_columns</c>); listed in the run manifest.</summary>
/// <param name="Table">The table that gained the column.</param>
/// <param name="Column">The column's name.</param>
/// <param name="Type">The contract type, e.g. <c>decimal(10,2)</c>.</param>
/// <param name="Declared">The database type it was added as, e.g. <c>DECIMAL(10,2)</c>, <c>LONGTEXT</c>.</param>
public sealed record SchemaChange(string Table, string Column, string Type, string Declared)
{
    /// <summary>What happened; only <c>add_column</c> exists (nothing is ever dropped or changed).</summary>
    public string Change { get; init; } = "add_column";
}

/// <summary>
/// The comparison of a contract with the existing table, shared by SQLite (<see cref="SqliteSchema"/>) and MySQL
/// (<see cref="MySqlSchemaCheck"/>) so both accept and refuse exactly the same evolutions. A contract column the
/// table lacks is an <see cref="Additions">addition</see> only when the contract says <c>schema_evolution:
/// add_columns</c>, the column is nullable and not part of the key: old rows then read NULL, which is the truth
/// (the value was never delivered). Everything else that differs — a table column the contract dropped, another
/// type (narrower or not), other nullability, another key, a new NOT NULL or key column — is a
/// <see cref="Problems">problem</see>, and every one is listed, so a user fixes them all in one go. A load never
/// loses data to make a table fit.
/// </summary>
internal sealed class SchemaDifferences
{
    private SchemaDifferences(List<string> problems, List<ColumnSpec> additions)
    {
        Problems = problems;
        Additions = additions;
    }

    /// <summary>Every way the table differs from the contract that no load may fix (empty when the table fits).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The contract columns to add to the table, in contract order (empty unless evolution allows it).</summary>
    public IReadOnlyList<ColumnSpec> Additions { get; }

    /// <summary>How a database describes and compares its columns.</summary>
    /// <param name="Quote">Quotes an identifier for messages and SQL.</param>
    /// <param name="Declared">The type the loader creates for a contract column.</param>
    /// <param name="TypeDifference">Null when the existing column stores every value of the contract column; else the message.</param>
    public sealed record Dialect<TColumn>(Func<string, string> Quote, Func<ColumnSpec, string> Declared, Func<ColumnSpec, TColumn, string?> TypeDifference);

    /// <param name="contract">What the table should be.</param>
    /// <param name="existing">The table's columns as the database reports them.</param>
    /// <param name="nameOf">A column's name (compared case-insensitively, as both databases do).</param>
    /// <param name="notNullOf">Whether the column is NOT NULL.</param>
    /// <param name="key">The table's primary key columns, in key order.</param>
    /// <param name="dialect">Quoting, declared types and the type comparison of the database.</param>
    /// <param name="extraProblems">Problems the caller found about the table itself (engine, key prefix), listed first.</param>
    public static SchemaDifferences Compute<TColumn>(DatasetContract contract, IReadOnlyList<TColumn> existing, Func<TColumn, string> nameOf,
        Func<TColumn, bool> notNullOf, IReadOnlyList<string> key, Dialect<TColumn> dialect, IEnumerable<string>? extraProblems = null)
        where TColumn : class
    {
        var problems = new List<string>(extraProblems ?? []);
        var additions = new List<ColumnSpec>();
        var evolve = contract.SchemaEvolution == SchemaEvolution.AddColumns;
        foreach (var c in contract.Columns)
        {
            var q = dialect.Quote(c.Name);
            var want = dialect.Declared(c);
            var notNull = IsNotNull(contract, c);
            var have = existing.FirstOrDefault(e => string.Equals(nameOf(e), c.Name, StringComparison.OrdinalIgnoreCase));
            if (have is null)
            {
                var isKey = contract.PrimaryKey.Contains(c.Name, StringComparer.Ordinal);
                if (evolve && !notNull) additions.Add(c);
                else problems.Add($"column {q} is missing (contract: {c.Type} → {want}{(notNull ? " NOT NULL" : "")}{WhyNotAdded(evolve, isKey, notNull)})");
                continue;
            }
            if (dialect.TypeDifference(c, have) is { } typeDifference) problems.Add(typeDifference);
            if (notNullOf(have) != notNull)
            {
                problems.Add($"column {q} is {(notNullOf(have) ? "NOT NULL" : "nullable")}, contract wants {(notNull ? "NOT NULL" : "nullable")}");
            }
        }
        foreach (var e in existing)
        {
            if (!contract.Columns.Any(c => string.Equals(c.Name, nameOf(e), StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"column {dialect.Quote(nameOf(e))} is not in the contract");
            }
        }
        if (!key.SequenceEqual(contract.PrimaryKey, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"primary key is {KeyText(key, dialect.Quote)}, contract wants {KeyText(contract.PrimaryKey, dialect.Quote)}");
        }
        return new SchemaDifferences(problems, additions);
    }

    /// <summary>The <see cref="ErrorType.SchemaMismatch"/> naming every problem.</summary>
    public EtlException Mismatch(DatasetContract contract, string quotedTable)
    {
        var origin = contract.SourcePath is null ? "" : $" ({contract.SourcePath})";
        return new EtlException(ErrorType.SchemaMismatch,
            $"table {quotedTable} does not match contract '{contract.Dataset}'{origin}: {string.Join("; ", Problems)}. " +
            "The loader never alters an existing table except to add nullable columns (schema_evolution: add_columns): " +
            "migrate it yourself or change the contract.");
    }

    /// <summary>The manifest entries for <see cref="Additions"/>.</summary>
    public IReadOnlyList<SchemaChange> Changes(DatasetContract contract, Func<ColumnSpec, string> declared) =>
        Additions.Select(c => new SchemaChange(contract.Table, c.Name, c.Type.ToString(), declared(c))).ToList();

    /// <summary>NOT NULL in both databases: non-nullable in the contract, or part of the key.</summary>
    private static bool IsNotNull(DatasetContract contract, ColumnSpec column) =>
        !column.Nullable || contract.PrimaryKey.Contains(column.Name, StringComparer.Ordinal);

    private static string WhyNotAdded(bool evolve, bool isKey, bool notNull) => (evolve, isKey, notNull) switch
    {
        (_, true, _) => " — a new key column changes the primary key, which is never evolved",
        (true, _, true) => " — schema_evolution adds only nullable columns: the table's rows have no value for it",
        (false, _, false) => " — schema_evolution: add_columns would add it",
        _ => "",
    };

    private static string KeyText(IReadOnlyList<string> columns, Func<string, string> quote) =>
        columns.Count == 0 ? "(none)" : "(" + string.Join(", ", columns.Select(quote)) + ")";
}
