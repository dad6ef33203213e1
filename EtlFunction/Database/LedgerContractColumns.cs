using EtlFunction.Contracts.Store;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// The ledger's three nullable contract columns — which contract a run was loaded under: its location, the
/// store's version id and the SHA-256 of its text (<see cref="ContractSourceInfo"/>). A ledger created before
/// they existed gets them by <c>ALTER TABLE ... ADD COLUMN</c> on the next load, on SQLite and MySQL alike;
/// its old rows keep NULL there.
/// </summary>
internal static class LedgerContractColumns
{
    public static readonly string[] Names = ["contract_location", "contract_version_id", "contract_sha256"];

    /// <summary>The columns for a CREATE TABLE of a new MySQL ledger.</summary>
    public const string MySqlDefinitions =
        """
          `contract_location` TEXT NULL,
          `contract_version_id` VARCHAR(1024) NULL,
          `contract_sha256` CHAR(64) NULL,
        """;

    /// <summary>The columns for a CREATE TABLE of a new SQLite ledger.</summary>
    public const string SqliteDefinitions =
        """
        ,
          "contract_location" TEXT NULL,
          "contract_version_id" TEXT NULL,
          "contract_sha256" TEXT NULL
        """;

    private static readonly Dictionary<string, string> MySqlTypes = new(StringComparer.Ordinal)
    {
        ["contract_location"] = "TEXT NULL",
        ["contract_version_id"] = "VARCHAR(1024) NULL",
        ["contract_sha256"] = "CHAR(64) NULL",
    };

    /// <summary>Adds the columns a SQLite ledger lacks (inside the load's write transaction, so two loads never both add).</summary>
    public static void EnsureSqlite(SqliteConnection connection, SqliteTransaction transaction)
    {
        var have = connection.Query("SELECT name FROM pragma_table_info('_etl_ledger')", transaction, r => r.GetString(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names.Where(n => !have.Contains(n)))
        {
            connection.Execute($"ALTER TABLE \"_etl_ledger\" ADD COLUMN \"{name}\" TEXT NULL", transaction: transaction);
        }
    }

    /// <summary>
    /// Adds the columns a MySQL ledger lacks, given the columns it has (<see cref="MySqlLoadSession"/> reads them in its
    /// start-up batch). DDL commits implicitly, so this runs before the load's transaction; a concurrent load that
    /// added a column first is not an error.
    /// </summary>
    public static async Task AddMissingMySqlAsync(MySqlConnection connection, IReadOnlySet<string> have, CancellationToken ct)
    {
        foreach (var name in Names.Where(n => !have.Contains(n)))
        {
            try
            {
                await connection.ExecuteAsync($"ALTER TABLE `_etl_ledger` ADD COLUMN `{name}` {MySqlTypes[name]}", null, ct).ConfigureAwait(false);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateFieldName)
            {
                // another load added it between our look and our ALTER
            }
        }
    }
}
