using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Format;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Database;

/// <summary>
/// One prepared, parameterised INSERT (or upsert) re-used for every row of a load: the SQL text is
/// built once from the contract's identifiers, values only ever travel as parameters.
/// </summary>
internal sealed class SqliteRowInserter : IDisposable
{
    private static readonly object True = 1L;
    private static readonly object False = 0L;
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;
    private readonly ColumnType[] _types;
    private readonly bool[] _notNull;
    private readonly string[] _names;

    public SqliteRowInserter(SqliteConnection connection, SqliteTransaction transaction, DatasetContract contract)
    {
        _types = contract.Columns.Select(c => c.Type).ToArray();
        _notNull = contract.Columns.Select(c => SqliteSchema.IsNotNull(contract, c)).ToArray();
        _names = contract.Columns.Select(c => c.Name).ToArray();
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = InsertSql(contract);
        _parameters = new SqliteParameter[_types.Length];
        for (var i = 0; i < _types.Length; i++)
        {
            _parameters[i] = _command.Parameters.Add(ParameterName(i), StorageType(_types[i]));
        }
        _command.Prepare();
    }

    /// <summary>
    /// <c>INSERT INTO "t" ("a", "b") VALUES ($p0, $p1)</c>; in upsert mode followed by
    /// <c>ON CONFLICT ("pk") DO UPDATE SET "b" = excluded."b"</c> (<c>DO NOTHING</c> when every column is in the key).
    /// </summary>
    public static string InsertSql(DatasetContract contract)
    {
        var sb = new StringBuilder("INSERT INTO ").Append(SqliteSchema.Quote(contract.Table)).Append(" (")
            .AppendJoin(", ", contract.Columns.Select(c => SqliteSchema.Quote(c.Name)))
            .Append(") VALUES (")
            .AppendJoin(", ", contract.Columns.Select((_, i) => ParameterName(i)))
            .Append(')');
        if (contract.LoadMode != LoadMode.Upsert) return sb.ToString();
        sb.Append(" ON CONFLICT (").AppendJoin(", ", contract.PrimaryKey.Select(SqliteSchema.Quote)).Append(')');
        var updated = contract.Columns.Where(c => !contract.PrimaryKey.Contains(c.Name, StringComparer.Ordinal)).ToList();
        if (updated.Count == 0) return sb.Append(" DO NOTHING").ToString();
        return sb.Append(" DO UPDATE SET ")
            .AppendJoin(", ", updated.Select(c => $"{SqliteSchema.Quote(c.Name)} = excluded.{SqliteSchema.Quote(c.Name)}"))
            .ToString();
    }

    /// <summary>
    /// Binds the reader's current row and executes; returns the rows changed (0 for an upsert that did nothing).
    /// A NULL in a NOT NULL column is refused here, before SQLite sees it: SQLite would silently give a NULL
    /// INTEGER PRIMARY KEY a new rowid instead of failing.
    /// </summary>
    /// <exception cref="NullInNotNullColumnException">when a NOT NULL column is NULL in this row.</exception>
    public int Insert(CanonicalCsvReader row)
    {
        for (var i = 0; i < _notNull.Length; i++)
        {
            if (_notNull[i] && row.IsNull(i)) throw new NullInNotNullColumnException(_names[i]);
        }
        for (var i = 0; i < _types.Length; i++) _parameters[i].Value = Value(row, i);
        return _command.ExecuteNonQuery();
    }

    /// <summary>A column's value as the text the table stores, for error messages (e.g. the duplicate key).</summary>
    public string Describe(CanonicalCsvReader row, int i) => Value(row, i) switch
    {
        DBNull => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private object Value(CanonicalCsvReader row, int i)
    {
        if (row.IsNull(i)) return DBNull.Value;
        var t = _types[i];
        return t.Kind switch
        {
            TypeKind.String => row.GetString(i),
            TypeKind.Int32 or TypeKind.Int64 => row.GetInt64(i),
            TypeKind.Bool => row.GetInt64(i) != 0 ? True : False,
            TypeKind.Decimal when t.Precision <= SqliteSchema.MaxRealDecimalPrecision => SqliteValues.DecimalToDouble(row.GetInt64(i), t.Scale),
            TypeKind.Decimal => SqliteValues.DecimalToText(row.GetInt64(i), t.Scale),
            TypeKind.Double => row.GetDouble(i),
            TypeKind.Date => SqliteValues.DateToText(row.GetInt64(i)),
            TypeKind.Timestamp => SqliteValues.TimestampToText(row.GetInt64(i)),
            _ => throw new InvalidOperationException($"unknown column type {t}"),
        };
    }

    private static SqliteType StorageType(ColumnType t) => t.Kind switch
    {
        TypeKind.Int32 or TypeKind.Int64 or TypeKind.Bool => SqliteType.Integer,
        TypeKind.Double => SqliteType.Real,
        TypeKind.Decimal when t.Precision <= SqliteSchema.MaxRealDecimalPrecision => SqliteType.Real,
        _ => SqliteType.Text,
    };

    private static string ParameterName(int i) => "$p" + i.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _command.Dispose();
}

/// <summary>A NULL reached a NOT NULL column; the loader turns it into an <see cref="Errors.ErrorType.InvalidInput"/> naming the row.</summary>
internal sealed class NullInNotNullColumnException(string column) : Exception($"column {column} is NULL but NOT NULL")
{
    public string Column { get; } = column;
}
