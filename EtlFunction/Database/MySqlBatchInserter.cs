using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// The fallback when the server refuses <c>LOAD DATA LOCAL</c> (RDS MySQL has <c>local_infile</c> off unless the
/// parameter group enables it): multi-row INSERTs of up to <see cref="MaxRowsPerStatement"/> rows, prepared once
/// on the server, values bound as typed parameters (never concatenated), inside the caller's transaction.
/// The processed CSV is parsed by <see cref="CanonicalCsvReader"/>, so a malformed file fails as in the SQLite loader.
/// </summary>
internal sealed class MySqlBatchInserter(MySqlConnection connection, MySqlTransaction transaction, DatasetContract contract, string table)
{
    public const int MaxRowsPerStatement = 1000;
    private const int MaxParameters = 65_535;

    /// <summary>Inserts every row of <paramref name="processed"/>; returns the number of rows.</summary>
    public async Task<long> InsertAllAsync(Stream processed, CancellationToken ct)
    {
        var columns = contract.Columns.Count;
        var batch = Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / columns));
        var types = contract.Columns.Select(c => c.Type).ToArray();
        var notNull = contract.Columns.Select(c => MySqlSchema.IsNotNull(contract, c)).ToArray();
        using var reader = new CanonicalCsvReader(processed, contract);
        MySqlCommand? full = null;
        var values = new object[batch * columns];
        long rows = 0;
        try
        {
            var inBatch = 0;
            while (reader.Read())
            {
                for (var i = 0; i < columns; i++)
                {
                    if (reader.IsNull(i) && notNull[i])
                    {
                        throw new EtlException(ErrorType.InvalidInput,
                            $"NULL in NOT NULL column {contract.Table}.{contract.Columns[i].Name} in table {MySqlSchema.Quote(contract.Table)}, " +
                            $"processed CSV row {reader.RowNumber.ToString(CultureInfo.InvariantCulture)}; nothing was loaded");
                    }
                    values[inBatch * columns + i] = Value(reader, i, types[i]);
                }
                if (++inBatch < batch) continue;
                full ??= await PrepareAsync(batch, ct).ConfigureAwait(false);
                rows += await ExecuteAsync(full, values, ct).ConfigureAwait(false);
                inBatch = 0;
            }
            if (inBatch > 0)
            {
                await using var tail = await PrepareAsync(inBatch, ct).ConfigureAwait(false);
                rows += await ExecuteAsync(tail, values, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync().ConfigureAwait(false);
        }
        return rows;
    }

    /// <summary><c>INSERT INTO `t` (`a`, `b`) VALUES (@p0, @p1), (@p2, @p3), ...</c> for <paramref name="rows"/> rows.</summary>
    public static string InsertSql(DatasetContract contract, string table, int rows)
    {
        var columns = contract.Columns.Count;
        var sb = new StringBuilder("INSERT INTO ").Append(MySqlSchema.Quote(table)).Append(" (")
            .AppendJoin(", ", contract.Columns.Select(c => MySqlSchema.Quote(c.Name))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns; c++)
            {
                if (c > 0) sb.Append(", ");
                sb.Append("@p").Append((r * columns + c).ToString(CultureInfo.InvariantCulture));
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private async Task<MySqlCommand> PrepareAsync(int rows, CancellationToken ct)
    {
        var command = new MySqlCommand(InsertSql(contract, table, rows), connection, transaction) { CommandTimeout = 0 };
        for (var p = 0; p < rows * contract.Columns.Count; p++)
        {
            command.Parameters.Add(new MySqlParameter("@p" + p.ToString(CultureInfo.InvariantCulture), DBNull.Value));
        }
        await command.PrepareAsync(ct).ConfigureAwait(false);
        return command;
    }

    private async Task<int> ExecuteAsync(MySqlCommand command, object[] values, CancellationToken ct)
    {
        var parameters = command.Parameters;
        for (var p = 0; p < parameters.Count; p++) parameters[p].Value = values[p];
        var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await MySqlWarnings.ThrowIfAnyAsync(connection, transaction, contract, "INSERT", ct).ConfigureAwait(false);
        return changed;
    }

    private static object Value(CanonicalCsvReader reader, int i, ColumnType type)
    {
        if (reader.IsNull(i)) return DBNull.Value;
        return type.Kind switch
        {
            TypeKind.String => reader.GetString(i),
            // a value out of INT range is refused by the server (strict mode), which names the column
            TypeKind.Int32 or TypeKind.Int64 => reader.GetInt64(i),
            TypeKind.Bool => reader.GetInt64(i) != 0,
            TypeKind.Double => reader.GetDouble(i),
            TypeKind.Decimal => Decimal(reader.GetInt64(i), type.Scale),
            TypeKind.Date => DateOnly.FromDayNumber((int)reader.GetInt64(i)),
            TypeKind.Timestamp => new DateTime(DateTime.UnixEpoch.Ticks + reader.GetInt64(i) * 10, DateTimeKind.Unspecified),
            _ => throw new InvalidOperationException($"unknown column type {type}"),
        };
    }

    private static decimal Decimal(long unscaled, int scale)
    {
        var negative = unscaled < 0;
        var abs = negative ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        return new decimal((int)(uint)abs, (int)(uint)(abs >> 32), 0, negative, (byte)scale);
    }
}
