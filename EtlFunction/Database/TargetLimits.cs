using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>
/// How wide a table each target can hold, checked before anything is written, so a contract that is too wide fails
/// with the limit named instead of a driver error (an InternalError, exit 10):
/// <list type="bullet">
/// <item>SQLite: <see cref="SqliteMaxColumns"/> columns (SQLITE_MAX_COLUMN's default; the bundled library keeps it).</item>
/// <item>MySQL / MariaDB, InnoDB: <see cref="InnoDbMaxColumns"/> columns (the server's own cap, 4096, is higher), and
/// <see cref="MySqlMaxRowBytes"/> bytes for a row's fixed part, counted as the server does for the types
/// <see cref="MySqlSchema.DeclaredType"/> creates: VARCHAR(n) utf8mb4 4n bytes plus a 1–2 byte length, LONGTEXT 12 bytes
/// (stored apart), DECIMAL 4 bytes per 9 digits on each side of the point, plus one NULL bit per nullable column
/// (the boundary matches MariaDB 10.11 to the byte, see TargetLimitsTests).
/// InnoDB's page-size limit (about 8 KB in-row) is not checked: DYNAMIC rows move long VARCHARs off the page.</item>
/// <item>Parquet (ParquetSharp): no column limit of its own; each column costs a writer buffer, nothing fails.</item>
/// </list>
/// A contract wider than every database target is a <see cref="ErrorType.ContractViolation"/> (<see cref="CheckContract"/>);
/// one that only the chosen target cannot hold is a <see cref="ErrorType.SchemaMismatch"/> (<see cref="CheckSqlite"/>,
/// <see cref="CheckMySql"/>).
/// </summary>
public static class TargetLimits
{
    public const int SqliteMaxColumns = 2000;
    public const int InnoDbMaxColumns = 1017;
    public const int MySqlMaxRowBytes = 65_535;

    /// <summary>The widest table any database target holds.</summary>
    public const int MaxColumns = SqliteMaxColumns;

    /// <summary>Fails when no database target can hold the contract's table.</summary>
    public static void CheckContract(DatasetContract contract, bool inferred = false)
    {
        if (contract.Columns.Count > MaxColumns)
        {
            throw new EtlException(ErrorType.ContractViolation,
                $"the {(inferred ? "inferred " : "")}contract for '{contract.Dataset}' has {contract.Columns.Count} columns; no database target holds more than {MaxColumns} (SQLite {SqliteMaxColumns}, MySQL InnoDB {InnoDbMaxColumns}): split the file or drop columns");
        }
    }

    /// <summary>Fails when SQLite cannot create the contract's table.</summary>
    public static void CheckSqlite(DatasetContract contract)
    {
        if (contract.Columns.Count > SqliteMaxColumns)
        {
            throw new EtlException(ErrorType.SchemaMismatch,
                $"table '{contract.Table}' would have {contract.Columns.Count} columns, over SQLite's limit of {SqliteMaxColumns} (SQLITE_MAX_COLUMN)");
        }
    }

    /// <summary>Fails when MySQL/MariaDB (InnoDB) cannot create the contract's table.</summary>
    public static void CheckMySql(DatasetContract contract)
    {
        if (contract.Columns.Count > InnoDbMaxColumns)
        {
            throw new EtlException(ErrorType.SchemaMismatch,
                $"table '{contract.Table}' would have {contract.Columns.Count} columns, over InnoDB's limit of {InnoDbMaxColumns}");
        }
        var bytes = MySqlRowBytes(contract);
        if (bytes > MySqlMaxRowBytes)
        {
            throw new EtlException(ErrorType.SchemaMismatch, string.Create(CultureInfo.InvariantCulture,
                $"table '{contract.Table}' would have a row size of {bytes} bytes, over MySQL's limit of {MySqlMaxRowBytes} (VARCHAR(n) counts 4n bytes in utf8mb4): lower max_length, or drop it so the column becomes LONGTEXT"));
        }
    }

    /// <summary>The row size MySQL counts against <see cref="MySqlMaxRowBytes"/> for the table the loader creates.</summary>
    public static long MySqlRowBytes(DatasetContract contract)
    {
        long bytes = 0;
        var nullable = 0;
        foreach (var c in contract.Columns)
        {
            bytes += MySqlColumnBytes(contract, c);
            if (!MySqlSchema.IsNotNull(contract, c)) nullable++;
        }
        return bytes + (nullable + 7) / 8;
    }

    private static long MySqlColumnBytes(DatasetContract contract, ColumnSpec column)
    {
        var declared = MySqlSchema.DeclaredType(contract, column);
        if (declared.StartsWith("VARCHAR(", StringComparison.Ordinal))
        {
            var n = long.Parse(declared.AsSpan(8, declared.Length - 9), CultureInfo.InvariantCulture) * 4;
            return n + (n > 255 ? 2 : 1);
        }
        return column.Type.Kind switch
        {
            TypeKind.String => 12, // LONGTEXT: a 4-byte length and an 8-byte pointer
            TypeKind.Int32 => 4,
            TypeKind.Int64 or TypeKind.Double or TypeKind.Timestamp => 8, // DATETIME(6): 5 + 3 fraction bytes
            TypeKind.Decimal => DecimalBytes(column.Type.Precision - column.Type.Scale) + DecimalBytes(column.Type.Scale),
            TypeKind.Bool => 1,
            TypeKind.Date => 3,
            _ => 8,
        };
    }

    private static int DecimalBytes(int digits) => digits / 9 * 4 + (digits % 9) switch { 0 => 0, <= 2 => 1, <= 4 => 2, <= 6 => 3, _ => 4 };
}
