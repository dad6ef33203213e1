using EtlFunction.Contracts;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// Reads the warnings of the statement that just ran. <c>SHOW COUNT(*) WARNINGS</c> and <c>SHOW WARNINGS</c> are
/// diagnostic statements, so they do not clear the list they read; the count is the server's total even when
/// <c>max_error_count</c> keeps fewer messages.
/// </summary>
internal static class MySqlWarnings
{
    /// <summary>Throws the <see cref="MySqlErrors.FromWarnings"/> error when the last statement left any warning or note.</summary>
    public static async Task ThrowIfAnyAsync(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract, string statement, CancellationToken ct)
    {
        long total;
        await using (var count = new MySqlCommand("SHOW COUNT(*) WARNINGS", connection, transaction))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (total == 0) return;
        var warnings = new List<MySqlErrors.Warning>();
        await using (var show = new MySqlCommand("SHOW WARNINGS LIMIT 10", connection, transaction))
        await using (var reader = await show.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                warnings.Add(new MySqlErrors.Warning(reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
            }
        }
        throw MySqlErrors.FromWarnings(warnings, total, contract, statement);
    }
}
