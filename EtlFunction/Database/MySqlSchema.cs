using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>
/// The one place that decides how a contract becomes a MySQL table, so table creation, the staging
/// table and the schema check (<see cref="MySqlSchemaCheck"/>) can never disagree. Mapping:
/// <list type="bullet">
/// <item><c>int32</c> → <c>INT</c>, <c>int64</c> → <c>BIGINT</c>, <c>double</c> → <c>DOUBLE</c>.</item>
/// <item><c>decimal(p,s)</c> → <c>DECIMAL(p,s)</c> (exact; p ≤ 18).</item>
/// <item><c>bool</c> → <c>TINYINT(1)</c> holding 0/1 (what <c>BOOLEAN</c> means in MySQL).</item>
/// <item><c>date</c> → <c>DATE</c>; <c>timestamp</c> → <c>DATETIME(6)</c> holding UTC. Not <c>TIMESTAMP</c>: that type
/// converts through the session time zone and ends in 2038.</item>
/// <item><c>string</c> with a <c>max_length</c> n ≤ <see cref="MaxVarcharLength"/> → <c>VARCHAR(n)</c>; other strings →
/// <c>LONGTEXT</c> (never truncates; long VARCHARs would use up MySQL's 64 KB row-size budget).</item>
/// <item>a <c>string</c> in the primary key → <c>VARCHAR(max_length)</c>, or <c>VARCHAR(</c><see cref="DefaultKeyLength"/><c>)</c>
/// without one: a TEXT column can only be indexed by a prefix, which would make keys that share the prefix
/// collide. A longer key value fails the load (<see cref="ErrorType.DataLossError"/>), it is never cut.</item>
/// </list>
/// Strings are <c>utf8mb4</c> with a binary, NO PAD collation where the server has one (see <see cref="CollationFor"/>),
/// so comparisons and keys are exact, as in SQLite and Parquet: <c>'a'</c>, <c>'A'</c> and <c>'a '</c> are three keys.
/// Tables are InnoDB (the load is one transaction). Primary-key columns are always <c>NOT NULL</c>.
/// Identifiers are always backtick-quoted.
/// </summary>
public static class MySqlSchema
{
    /// <summary>The run ledger: one row per loaded run, written in the same transaction as the rows.</summary>
    public const string LedgerTable = "_etl_ledger";

    /// <summary>Length of a string key column whose contract gives no <c>max_length</c>.</summary>
    public const int DefaultKeyLength = 255;

    /// <summary>Longest <c>max_length</c> mapped to VARCHAR; longer ones become LONGTEXT.</summary>
    public const int MaxVarcharLength = 1024;

    /// <summary>Longest string key: InnoDB indexes at most 3072 bytes, and utf8mb4 takes up to 4 bytes a character.</summary>
    public const int MaxKeyLength = 768;

    /// <summary>MySQL's identifier length limit.</summary>
    public const int MaxIdentifierLength = 64;

    internal static string CreateLedgerSql(string collation) =>
        $"""
        CREATE TABLE IF NOT EXISTS `_etl_ledger` (
          `run_id` VARCHAR(255) NOT NULL,
          `dataset` VARCHAR(255) NOT NULL,
          `table_name` VARCHAR(255) NOT NULL,
          `source` TEXT NOT NULL,
          `rows_loaded` BIGINT NOT NULL,
          `load_mode` VARCHAR(16) NOT NULL,
          `loaded_at` DATETIME(6) NOT NULL,
        {LedgerContractColumns.MySqlDefinitions}
          PRIMARY KEY (`run_id`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation}
        """;

    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>
    /// The binary utf8mb4 collation to create tables with: <c>utf8mb4_nopad_bin</c> on MariaDB,
    /// <c>utf8mb4_0900_bin</c> on MySQL 8.0.17+ (both NO PAD: trailing spaces count), else <c>utf8mb4_bin</c>
    /// (PAD SPACE: <c>'a'</c> and <c>'a '</c> compare equal). The schema check accepts any <c>utf8mb4_*bin</c>.
    /// </summary>
    public static string CollationFor(string serverVersion)
    {
        if (serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)) return "utf8mb4_nopad_bin";
        var digits = serverVersion.Split('-')[0];
        return Version.TryParse(digits, out var v) && v >= new Version(8, 0, 17) ? "utf8mb4_0900_bin" : "utf8mb4_bin";
    }

    public static bool IsNotNull(DatasetContract contract, ColumnSpec column) =>
        !column.Nullable || IsKey(contract, column);

    internal static bool IsKey(DatasetContract contract, ColumnSpec column) =>
        contract.PrimaryKey.Contains(column.Name, StringComparer.Ordinal);

    /// <summary>The column type the loader creates for <paramref name="column"/>, e.g. <c>DECIMAL(12,2)</c>, <c>VARCHAR(255)</c>.</summary>
    public static string DeclaredType(DatasetContract contract, ColumnSpec column)
    {
        var type = column.Type;
        return type.Kind switch
        {
            TypeKind.String when IsKey(contract, column) => Varchar(column.Check?.MaxLength ?? DefaultKeyLength),
            TypeKind.String when column.Check?.MaxLength is { } n && n <= MaxVarcharLength => Varchar(n),
            TypeKind.String => "LONGTEXT",
            TypeKind.Int32 => "INT",
            TypeKind.Int64 => "BIGINT",
            TypeKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({type.Precision},{type.Scale})"),
            TypeKind.Double => "DOUBLE",
            TypeKind.Bool => "TINYINT(1)",
            TypeKind.Date => "DATE",
            TypeKind.Timestamp => "DATETIME(6)",
            _ => throw new ArgumentOutOfRangeException(nameof(column), type, "unknown column type"),
        };
    }

    /// <summary>
    /// <c>CREATE [TEMPORARY] TABLE [IF NOT EXISTS] `t` (...)</c> for the contract: column types as above, NOT NULL,
    /// the primary key, InnoDB, utf8mb4 with <paramref name="collation"/>.
    /// </summary>
    /// <exception cref="EtlException"><see cref="ErrorType.ContractViolation"/> when a name or a key cannot exist in MySQL;
    /// <see cref="ErrorType.SchemaMismatch"/> when the table is wider than InnoDB holds (<see cref="TargetLimits.CheckMySql"/>).</exception>
    public static string CreateTableSql(DatasetContract contract, string table, string collation, bool temporary = false)
    {
        ValidateNames(contract);
        TargetLimits.CheckMySql(contract);
        var sb = new StringBuilder(temporary ? "CREATE TEMPORARY TABLE " : "CREATE TABLE IF NOT EXISTS ").Append(Quote(table)).Append(" (");
        for (var i = 0; i < contract.Columns.Count; i++)
        {
            sb.Append(i == 0 ? "\n  " : ",\n  ").Append(ColumnDefinition(contract, contract.Columns[i], collation));
        }
        if (contract.PrimaryKey.Count > 0)
        {
            sb.Append(",\n  PRIMARY KEY (").AppendJoin(", ", contract.PrimaryKey.Select(Quote)).Append(')');
        }
        return sb.Append("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=").Append(collation).ToString();
    }

    /// <summary><c>`c` TYPE [CHARACTER SET utf8mb4 COLLATE x] [NOT] NULL</c>: one column of <see cref="CreateTableSql"/> or of an <c>ADD COLUMN</c>.</summary>
    internal static string ColumnDefinition(DatasetContract contract, ColumnSpec c, string collation)
    {
        var sb = new StringBuilder(Quote(c.Name)).Append(' ').Append(DeclaredType(contract, c));
        if (c.Type.Kind == TypeKind.String) sb.Append(" CHARACTER SET utf8mb4 COLLATE ").Append(collation);
        return sb.Append(IsNotNull(contract, c) ? " NOT NULL" : " NULL").ToString();
    }

    /// <summary>Fails early, with the contract's words, on what the server would refuse with a cryptic error.</summary>
    internal static void ValidateNames(DatasetContract contract)
    {
        var problems = new List<string>();
        foreach (var name in contract.Columns.Select(c => c.Name).Prepend(contract.Table))
        {
            if (name.Length == 0 || name.Length > MaxIdentifierLength || name.EndsWith(' ') || name.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"{Quote(name)} is not a valid MySQL identifier (1 to {MaxIdentifierLength} characters, no NUL, no trailing space)");
            }
        }
        foreach (var key in contract.PrimaryKey)
        {
            var c = contract.Columns.FirstOrDefault(c => string.Equals(c.Name, key, StringComparison.Ordinal));
            if (c is null) problems.Add($"primary key column {Quote(key)} is not a column");
            else if (c.Type.Kind == TypeKind.String && c.Check?.MaxLength > MaxKeyLength)
            {
                problems.Add($"primary key column {Quote(key)} has max_length {c.Check.MaxLength}, over the {MaxKeyLength} characters MySQL can index in utf8mb4");
            }
        }
        if (problems.Count > 0)
        {
            throw new EtlException(ErrorType.ContractViolation, $"contract '{contract.Dataset}' cannot be a MySQL table: {string.Join("; ", problems)}");
        }
    }

    private static string Varchar(int n) => string.Create(CultureInfo.InvariantCulture, $"VARCHAR({Math.Max(n, 1)})");
}
