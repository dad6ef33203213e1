using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Database;

/// <summary>
/// The one place that decides how a contract becomes a SQLite table, so table creation and the
/// schema check can never disagree. Mapping (declared type → how values are stored):
/// <list type="bullet">
/// <item><c>string</c> → <c>TEXT</c>.</item>
/// <item><c>int32</c>, <c>int64</c>, <c>bool</c> → <c>INTEGER</c> (bool as 0/1).</item>
/// <item><c>decimal(p,s)</c> with p ≤ 15 → <c>DECIMAL(p,s)</c> (NUMERIC affinity), bound as the double
/// nearest the exact value. Any decimal of at most 15 significant digits survives a double round trip, so
/// formatting the REAL with 15 significant digits (or rounding it to <c>s</c> places, e.g.
/// <c>printf('%.2f', x)</c>) gives back exactly the loaded decimal; SUM/AVG work natively. SQLite's own
/// <c>CAST(x AS TEXT)</c> may print up to 17 digits (<c>9999999999999.9902</c>). Whole values are stored
/// as INTEGER by the NUMERIC affinity (same value).</item>
/// <item><c>decimal(p,s)</c> with p &gt; 15 → <c>TEXT</c>, the canonical decimal text with exactly
/// <c>s</c> fraction digits (a double would lose digits; SQLite has no exact decimal type).</item>
/// <item><c>double</c> → <c>REAL</c>.</item>
/// <item><c>date</c> → <c>DATE</c>, stored as TEXT <c>yyyy-MM-dd</c>.</item>
/// <item><c>timestamp</c> → <c>TIMESTAMP</c>, stored as TEXT <c>yyyy-MM-dd HH:mm:ss.ffffff</c> in UTC
/// (always six fraction digits: fixed width, so text order is time order).</item>
/// </list>
/// <c>DATE</c> and <c>TIMESTAMP</c> have NUMERIC affinity, but their texts are never numeric literals, so
/// SQLite keeps them as TEXT; the declared names let the schema check tell them from strings and let
/// tools such as Python's <c>sqlite3</c> (PARSE_DECLTYPES) convert them. Primary-key columns are always
/// <c>NOT NULL</c> (SQLite would otherwise allow NULL keys, which defeat upserts). Identifiers are always
/// double-quoted even though contract names are already safe.
/// </summary>
public static class SqliteSchema
{
    /// <summary>Largest decimal precision stored as a number; wider decimals are stored as text.</summary>
    public const int MaxRealDecimalPrecision = 15;

    /// <summary>The run ledger: one row per loaded run, written in the same transaction as the rows.</summary>
    public const string LedgerTable = "_etl_ledger";

    internal const string CreateLedgerSql =
        $"""
        CREATE TABLE IF NOT EXISTS "_etl_ledger" (
          "run_id" TEXT NOT NULL PRIMARY KEY,
          "dataset" TEXT NOT NULL,
          "table_name" TEXT NOT NULL,
          "source" TEXT NOT NULL,
          "rows_loaded" INTEGER NOT NULL,
          "load_mode" TEXT NOT NULL,
          "loaded_at" TEXT NOT NULL{LedgerContractColumns.SqliteDefinitions}
        )
        """;

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string DeclaredType(ColumnType type) => type.Kind switch
    {
        TypeKind.String => "TEXT",
        TypeKind.Int32 or TypeKind.Int64 or TypeKind.Bool => "INTEGER",
        TypeKind.Decimal when type.Precision <= MaxRealDecimalPrecision =>
            string.Create(CultureInfo.InvariantCulture, $"DECIMAL({type.Precision},{type.Scale})"),
        TypeKind.Decimal => "TEXT",
        TypeKind.Double => "REAL",
        TypeKind.Date => "DATE",
        TypeKind.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown column type"),
    };

    /// <summary>True when the column is declared <c>NOT NULL</c>: non-nullable in the contract, or part of the primary key.</summary>
    public static bool IsNotNull(DatasetContract contract, ColumnSpec column) =>
        !column.Nullable || contract.PrimaryKey.Contains(column.Name, StringComparer.Ordinal);

    /// <summary>The <c>CREATE TABLE</c> statement for the contract's table (no <c>IF NOT EXISTS</c>: the caller checks first).</summary>
    public static string CreateTableSql(DatasetContract contract)
    {
        TargetLimits.CheckSqlite(contract);
        var sb = new StringBuilder("CREATE TABLE ").Append(Quote(contract.Table)).Append(" (");
        for (var i = 0; i < contract.Columns.Count; i++)
        {
            var c = contract.Columns[i];
            sb.Append(i == 0 ? "\n  " : ",\n  ").Append(Quote(c.Name)).Append(' ').Append(DeclaredType(c.Type));
            if (IsNotNull(contract, c)) sb.Append(" NOT NULL");
        }
        if (contract.PrimaryKey.Count > 0)
        {
            sb.Append(",\n  PRIMARY KEY (").AppendJoin(", ", contract.PrimaryKey.Select(Quote)).Append(')');
        }
        return sb.Append("\n)").ToString();
    }

    /// <summary>
    /// Creates the contract's table when it does not exist; otherwise checks that it matches the contract
    /// and throws <see cref="ErrorType.SchemaMismatch"/> naming every difference (<see cref="SchemaDifferences"/>).
    /// With <c>schema_evolution: add_columns</c> the contract's new nullable columns are added with
    /// <c>ALTER TABLE ... ADD COLUMN</c> inside the load's transaction (SQLite DDL is transactional, so a failed
    /// load leaves no column behind); nothing else is ever altered. Returns the columns added.
    /// </summary>
    internal static IReadOnlyList<SchemaChange> EnsureTable(SqliteConnection connection, SqliteTransaction transaction, DatasetContract contract)
    {
        var kind = connection.ScalarString(
            "SELECT type FROM sqlite_master WHERE name = @name COLLATE NOCASE AND type IN ('table', 'view')",
            transaction, ("@name", contract.Table));
        if (kind is null)
        {
            connection.Execute(CreateTableSql(contract), transaction: transaction);
            return [];
        }
        if (kind != "table")
        {
            throw new EtlException(ErrorType.SchemaMismatch,
                $"table {Quote(contract.Table)} does not match contract '{contract.Dataset}': {Quote(contract.Table)} is a {kind}, not a table");
        }
        var differences = Differences(connection, transaction, contract);
        if (differences.Problems.Count > 0) throw differences.Mismatch(contract, Quote(contract.Table));
        if (differences.Additions.Count == 0) return [];
        TargetLimits.CheckSqlite(contract);
        foreach (var c in differences.Additions)
        {
            connection.Execute($"ALTER TABLE {Quote(contract.Table)} ADD COLUMN {Quote(c.Name)} {DeclaredType(c.Type)}", transaction: transaction);
        }
        return differences.Changes(contract, c => DeclaredType(c.Type));
    }

    /// <summary>Every way the existing table differs from the contract, and the columns evolution may add.</summary>
    internal static SchemaDifferences Differences(SqliteConnection connection, SqliteTransaction transaction, DatasetContract contract)
    {
        var existing = connection.Query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(@table)", transaction,
            r => new TableColumn(r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1), r.GetInt64(2), r.GetInt64(3)), ("@table", contract.Table));
        var pk = existing.Where(e => e.Pk > 0).OrderBy(e => e.Pk).Select(e => e.Name).ToList();
        return SchemaDifferences.Compute(contract, existing, e => e.Name, e => e.NotNull != 0, pk, Dialect);
    }

    private static readonly SchemaDifferences.Dialect<TableColumn> Dialect = new(Quote, c => DeclaredType(c.Type),
        (c, have) => SameType(have.Type, DeclaredType(c.Type))
            ? null
            : $"column {Quote(c.Name)} is {(have.Type.Length == 0 ? "untyped" : have.Type)}, contract wants {DeclaredType(c.Type)} ({c.Type})");

    private static bool SameType(string declared, string wanted) =>
        string.Equals(string.Concat(declared.Where(ch => !char.IsWhiteSpace(ch))), wanted, StringComparison.OrdinalIgnoreCase);

    private sealed record TableColumn(string Name, string Type, long NotNull, long Pk);
}
