using System.Data.Common;
using System.Globalization;

namespace EtlFunction.Database;

/// <summary>
/// The few parameterised statements the loaders run outside the row path (ledger, schema look-ups),
/// on plain ADO.NET. Replaces Dapper, whose parameter binding and row mapping use run-time reflection
/// and code generation that Native AOT cannot compile. Parameters are named pairs (<c>("@RunId", id)</c>);
/// a null value is sent as SQL NULL. No command timeout is set: the provider's default (30 s) applies,
/// as it did with Dapper.
/// </summary>
internal static class DbCommands
{
    public static int Execute(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, DbTransaction? transaction, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row as a whole number; null when there is no row or the value is NULL.</summary>
    public static long? ScalarInt64(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        return AsInt64(command.ExecuteScalar());
    }

    /// <inheritdoc cref="ScalarInt64"/>
    public static async Task<long?> ScalarInt64Async(this DbConnection connection, string sql, DbTransaction? transaction, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, sql, transaction, parameters);
        return AsInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false));
    }

    /// <summary>The first column of the first row as text; null when there is no row or the value is NULL.</summary>
    public static string? ScalarString(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Every row of the result, each turned into a value by <paramref name="map"/> (which reads the current row).</summary>
    public static List<T> Query<T>(this DbConnection connection, string sql, DbTransaction? transaction, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    private static long? AsInt64(object? value) =>
        value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static DbCommand Create(DbConnection connection, string sql, DbTransaction? transaction, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
