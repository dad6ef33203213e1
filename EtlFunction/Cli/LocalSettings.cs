using EtlFunction.Database;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Cli;

/// <summary>
/// The embedded defaults for running on a laptop: a folder as the three buckets (<c>.etl/</c>,
/// or <c>--store DIR</c>) and a SQLite file as the database (<c>&lt;store&gt;/etl.db</c>, or <c>--db FILE</c>).
/// </summary>
public sealed record LocalSettings(string StoreRoot, string DatabasePath, string? ContractFile, string? ContractsDir)
{
    public static LocalSettings From(Args args)
    {
        var store = args.Option("store") ?? Environment.GetEnvironmentVariable("ETL_STORE") ?? ".etl";
        var db = args.Option("db") ?? Path.Combine(store, "etl.db");
        return new LocalSettings(store, db, args.Option("contract"), args.Option("contracts"));
    }

    public StepContext CreateContext(Action<string> log, Action<Cleaning.CleanProgress>? progress = null) => new()
    {
        Store = new FolderObjectStore(StoreRoot),
        Buckets = Buckets.Local,
        Contracts = ContractsDir is null
            ? FolderContractSource.Default(ContractFile)
            : new FolderContractSource([ContractsDir], ContractFile),
        Loader = () => new SqliteTableLoader(DatabasePath),
        Log = log,
        Progress = progress,
    };
}
