using System.Data.Common;
using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// Creates the contract's table when it is missing, or reads the existing one from
/// <c>information_schema</c> and fails with <see cref="ErrorType.SchemaMismatch"/> naming every way it
/// differs from what <see cref="MySqlSchema"/> would create (<see cref="SchemaDifferences"/>). A user table is never
/// dropped, and altered only to add the contract's new nullable columns under <c>schema_evolution: add_columns</c>.
/// </summary>
/// <remarks>
/// What counts as a match: the same column names (case-insensitive, as in MySQL), exactly the mapped
/// numeric, date and time types, the same nullability and primary key (no prefix index), an InnoDB
/// table, and string columns in <c>utf8mb4</c> with a binary collation that hold at least as many
/// characters as the contract lets through (<c>max_length</c>, else <c>max_field_length</c>) — so a
/// <c>VARCHAR(100)</c> for <c>max_length: 50</c> or a MEDIUMTEXT instead of LONGTEXT is fine, a TEXT for
/// 1 MiB values is not.
/// </remarks>
internal static class MySqlSchemaCheck
{
    /// <summary>How many times a load re-reads the table after another load added the same column first.</summary>
    internal const int AddColumnAttempts = 3;

    /// <summary>
    /// Runs DDL, so call it outside the load's transaction (MySQL commits implicitly around DDL). With
    /// <c>schema_evolution: add_columns</c> the contract's new nullable columns are added in one
    /// <c>ALTER TABLE ... ADD COLUMN</c> (appended: InnoDB adds them instantly, old rows read NULL); a load that
    /// fails afterwards leaves those empty columns behind, never rows. When a concurrent load added the same column
    /// first (error 1060, duplicate column) the table is read again and compared again, up to
    /// <see cref="AddColumnAttempts"/> times. Returns the columns this call added.
    /// </summary>
    public static async Task<IReadOnlyList<SchemaChange>> EnsureTableAsync(MySqlConnection connection, DatasetContract contract, string collation, CancellationToken ct)
    {
        MySqlSchema.ValidateNames(contract);
        for (var attempt = 1; ; attempt++)
        {
            var table = await FindTableAsync(connection, contract.Table, ct).ConfigureAwait(false);
            if (table is null)
            {
                await ExecuteAsync(connection, MySqlSchema.CreateTableSql(contract, contract.Table, collation), ct).ConfigureAwait(false);
                return [];
            }
            var differences = await DifferencesAsync(connection, contract, table, ct).ConfigureAwait(false);
            if (differences.Problems.Count > 0) throw differences.Mismatch(contract, MySqlSchema.Quote(contract.Table));
            if (differences.Additions.Count == 0) return [];
            // The evolved table is the contract's table: its width and row size are checked before anything changes.
            TargetLimits.CheckMySql(contract);
            var sql = $"ALTER TABLE {MySqlSchema.Quote(table.Name)} " +
                      string.Join(", ", differences.Additions.Select(c => "ADD COLUMN " + MySqlSchema.ColumnDefinition(contract, c, collation)));
            try
            {
                await ExecuteAsync(connection, sql, ct).ConfigureAwait(false);
                return differences.Changes(contract, c => MySqlSchema.DeclaredType(contract, c));
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateFieldName && attempt < AddColumnAttempts)
            {
                // another load added (some of) these columns between our read and our ALTER: compare again
            }
        }
    }

    private sealed record TableInfo(string Name, string Type, string? Engine);

    private sealed record ColumnInfo(string Name, string DataType, string ColumnType, bool Nullable, long? MaxChars,
        long? Precision, long? Scale, long? DatetimePrecision, string? Charset, string? Collation);

    private static async Task<TableInfo?> FindTableAsync(MySqlConnection connection, string name, CancellationToken ct)
    {
        var rows = await QueryAsync(connection,
            "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, @@lower_case_table_names FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @name",
            name, r => (Info: new TableInfo(Text(r, 0)!, Text(r, 1)!, Text(r, 2)), FoldsCase: Number(r, 3) != 0), ct).ConfigureAwait(false);
        var exact = rows.FirstOrDefault(r => string.Equals(r.Info.Name, name, StringComparison.Ordinal));
        if (exact.Info is not null) return exact.Info;
        // With lower_case_table_names the server stores `Orders` as `orders` and resolves either spelling to it.
        return rows.FirstOrDefault(r => r.FoldsCase && string.Equals(r.Info.Name, name, StringComparison.OrdinalIgnoreCase)).Info;
    }

    private static async Task<SchemaDifferences> DifferencesAsync(MySqlConnection connection, DatasetContract contract, TableInfo table, CancellationToken ct)
    {
        if (!string.Equals(table.Type, "BASE TABLE", StringComparison.OrdinalIgnoreCase))
        {
            throw new EtlException(ErrorType.SchemaMismatch,
                $"table {MySqlSchema.Quote(contract.Table)} does not match contract '{contract.Dataset}': {MySqlSchema.Quote(table.Name)} is a {table.Type.ToLowerInvariant()}, not a table");
        }
        var tableProblems = new List<string>();
        if (!string.Equals(table.Engine, "InnoDB", StringComparison.OrdinalIgnoreCase))
        {
            tableProblems.Add($"the table's engine is {table.Engine ?? "unknown"}, the loader needs InnoDB (a load is one transaction)");
        }
        var existing = await QueryAsync(connection,
            """
            SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,
                   DATETIME_PRECISION, CHARACTER_SET_NAME, COLLATION_NAME
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @name ORDER BY ORDINAL_POSITION
            """,
            table.Name, r => new ColumnInfo(Text(r, 0)!, Text(r, 1)!.ToLowerInvariant(), Text(r, 2)!.ToLowerInvariant(),
                string.Equals(Text(r, 3), "YES", StringComparison.OrdinalIgnoreCase), Number(r, 4), Number(r, 5), Number(r, 6),
                Number(r, 7), Text(r, 8), Text(r, 9)), ct).ConfigureAwait(false);
        var key = await QueryAsync(connection,
            "SELECT COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @name AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
            table.Name, r => (Name: Text(r, 0)!, Prefix: Number(r, 1)), ct).ConfigureAwait(false);
        var differences = SchemaDifferences.Compute(contract, existing, e => e.Name, e => !e.Nullable, key.Select(k => k.Name).ToList(),
            new SchemaDifferences.Dialect<ColumnInfo>(MySqlSchema.Quote, c => MySqlSchema.DeclaredType(contract, c),
                (c, have) => TypeProblem(contract, c, have) is { } problem
                    ? $"column {MySqlSchema.Quote(c.Name)} is {Describe(have)}, contract wants {MySqlSchema.DeclaredType(contract, c)} ({c.Type}){problem}"
                    : null),
            tableProblems.Concat(key.Where(k => k.Prefix is not null).Select(k =>
                $"primary key uses only the first {k.Prefix} characters of {MySqlSchema.Quote(k.Name)}, so different values could collide")));
        return differences;
    }

    /// <summary>Null when <paramref name="have"/> stores every value of the contract column exactly; else why not (may be empty).</summary>
    private static string? TypeProblem(DatasetContract contract, ColumnSpec column, ColumnInfo have)
    {
        var t = column.Type;
        var signed = !have.ColumnType.Contains("unsigned", StringComparison.Ordinal);
        return t.Kind switch
        {
            TypeKind.Int32 => have.DataType == "int" && signed ? null : "",
            TypeKind.Int64 => have.DataType == "bigint" && signed ? null : "",
            TypeKind.Decimal => have.DataType == "decimal" && signed && have.Precision == t.Precision && have.Scale == t.Scale ? null : "",
            TypeKind.Double => have.DataType == "double" ? null : "",
            TypeKind.Bool => have.DataType == "tinyint" ? null : "",
            TypeKind.Date => have.DataType == "date" ? null : "",
            TypeKind.Timestamp => have.DataType == "datetime" && have.DatetimePrecision == 6 ? null : "",
            TypeKind.String => StringProblem(contract, column, have),
            _ => "",
        };
    }

    private static string? StringProblem(DatasetContract contract, ColumnSpec column, ColumnInfo have)
    {
        long? capacity = have.DataType switch
        {
            "char" or "varchar" => have.MaxChars,
            "tinytext" => 255 / 4,
            "text" => 65_535 / 4,
            "mediumtext" => 16_777_215 / 4,
            "longtext" => int.MaxValue,
            _ => null,
        };
        if (capacity is null) return "";
        var needed = column.Check?.MaxLength ?? (MySqlSchema.IsKey(contract, column) ? MySqlSchema.DefaultKeyLength : contract.MaxFieldLength);
        if (capacity < needed)
        {
            return string.Create(CultureInfo.InvariantCulture, $": it holds {capacity} characters, values may have {needed}");
        }
        if (!string.Equals(have.Charset, "utf8mb4", StringComparison.OrdinalIgnoreCase))
        {
            return $": character set {have.Charset ?? "none"} cannot hold every Unicode character, the loader needs utf8mb4";
        }
        if (have.Collation is null || !have.Collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase))
        {
            return $": collation {have.Collation ?? "none"} is not binary, so different strings could compare equal (keys would merge)";
        }
        return null;
    }

    private static string Describe(ColumnInfo c) =>
        c.Charset is null ? c.ColumnType.ToUpperInvariant() : $"{c.ColumnType.ToUpperInvariant()} {c.Charset} {c.Collation}";

    private static async Task<List<T>> QueryAsync<T>(MySqlConnection connection, string sql, string name, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@name", name);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    // information_schema columns come back as text on MariaDB and sometimes as binary on MySQL 8.
    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetValue(i) switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        var v => Convert.ToString(v, CultureInfo.InvariantCulture),
    };

    private static long? Number(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
}
