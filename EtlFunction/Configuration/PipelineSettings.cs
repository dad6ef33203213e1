using System.Globalization;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Store;
using EtlFunction.Database;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Configuration;

/// <summary>Where the MySQL credentials come from when no full connection string is given.</summary>
public sealed record MySqlEndpoint(string Host, int Port, string Database, string CredentialsParameter);

/// <summary>Where the three buckets live: a local folder (the embedded default) or S3.</summary>
public enum StoreKind { Folder, S3 }

/// <summary>Which database the load step writes: a SQLite file (the embedded default) or MySQL.</summary>
public enum DatabaseKind { Sqlite, MySql }

/// <summary>
/// Which store, buckets, database and contracts a process uses — decided once, from the command
/// line (the CLI's <c>CliSettings</c>) or the Lambda environment (<see cref="FromEnvironment"/>). The
/// embedded defaults are a folder (<c>.etl/</c>) as the three buckets and SQLite as the database; S3
/// and MySQL replace them independently. Clients are created once and reused by every context
/// (a warm Lambda keeps its S3 connections and cached credentials).
/// </summary>
public sealed class PipelineSettings
{
    private readonly Lazy<IObjectStore> _store;
    private readonly Lazy<DatabaseCredentials> _credentials = new(DatabaseCredentials.FromParameterStore);

    public PipelineSettings(string storeRoot, StoreKind storeKind, Buckets buckets, string sqlitePath, string? mySqlConnectionString = null,
        MySqlEndpoint? mySqlEndpoint = null, string? contractFile = null, string? contractsDir = null, SplitSettings? splitDefaults = null,
        string? contractStore = null)
    {
        StoreRoot = storeRoot;
        StoreKind = storeKind;
        Buckets = buckets;
        SqlitePath = sqlitePath;
        MySqlConnectionString = mySqlConnectionString;
        MySqlEndpoint = mySqlEndpoint;
        ContractFile = contractFile;
        ContractsDir = contractsDir;
        SplitDefaults = splitDefaults ?? SplitSettings.Default;
        ContractStore = contractStore;
        _store = new Lazy<IObjectStore>(() => StoreKind switch
        {
            StoreKind.S3 => S3ObjectStore.FromEnvironment(),
            _ => new FolderObjectStore(StoreRoot),
        });
    }

    public string StoreRoot { get; }
    public StoreKind StoreKind { get; }
    public Buckets Buckets { get; }
    public string SqlitePath { get; }
    public string? MySqlConnectionString { get; }
    public MySqlEndpoint? MySqlEndpoint { get; }
    public string? ContractFile { get; }
    public string? ContractsDir { get; }
    /// <summary>
    /// The contract store (<c>ETL_CONTRACT_STORE</c>, CLI <c>--contract-store</c>): <c>s3://bucket/_contracts/</c>
    /// or a folder. Its contracts win over <see cref="ContractsDir"/> (the image's copy); an explicit
    /// <see cref="ContractFile"/> wins over both.
    /// </summary>
    public string? ContractStore { get; }
    public DatabaseKind DatabaseKind => MySqlConnectionString is not null || MySqlEndpoint is not null ? DatabaseKind.MySql : DatabaseKind.Sqlite;
    public SplitSettings SplitDefaults { get; }
    /// <summary>The load step's time estimate (<c>ETL_LOAD_ROWS_PER_SECOND</c> in Lambda; the CLI has no deadline to check).</summary>
    public LoadBudget LoadBudget { get; init; } = LoadBudget.Default;

    public IObjectStore Store => _store.Value;

    /// <summary>
    /// The Lambda environment: S3 when <c>ETL_LANDING_BUCKET</c> is set (all three bucket variables
    /// then), else a folder store at <c>ETL_STORE</c> (default the temp folder); MySQL from
    /// <c>ETL_MYSQL</c> (a connection string) or <c>ETL_MYSQL_HOST</c> + <c>ETL_MYSQL_PORT</c> +
    /// <c>ETL_MYSQL_DATABASE</c> + <c>ETL_MYSQL_CREDENTIALS_PARAMETER</c>, else SQLite at <c>ETL_DB</c>;
    /// contracts from <c>ETL_CONTRACT_STORE</c> first, then <c>ETL_CONTRACTS</c> (default: <c>contracts/</c> beside the executable); the plan step's
    /// defaults from <see cref="SplitEnvironment"/>.
    /// </summary>
    public static PipelineSettings FromEnvironment(Func<string, string?> env)
    {
        var store = Env(env, "ETL_STORE") ?? Path.Combine(Path.GetTempPath(), "etl");
        var landing = Env(env, "ETL_LANDING_BUCKET");
        var storeKind = landing is null ? StoreKind.Folder : StoreKind.S3;
        var buckets = storeKind == StoreKind.S3
            ? new Buckets(landing!, Require(env, "ETL_PROCESSED_BUCKET"), Require(env, "ETL_ARCHIVE_BUCKET"))
            : Buckets.Local;
        MySqlEndpoint? endpoint = null;
        if (Env(env, "ETL_MYSQL_HOST") is { } host)
        {
            var port = Env(env, "ETL_MYSQL_PORT") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 3306;
            endpoint = new MySqlEndpoint(host, port, Require(env, "ETL_MYSQL_DATABASE"), Require(env, "ETL_MYSQL_CREDENTIALS_PARAMETER"));
        }
        return new PipelineSettings(store, storeKind, buckets, Env(env, "ETL_DB") ?? Path.Combine(store, "etl.db"),
            Env(env, "ETL_MYSQL"), endpoint, null, Env(env, "ETL_CONTRACTS"), SplitEnvironment.Read(env), Env(env, "ETL_CONTRACT_STORE"))
        {
            LoadBudget = LoadBudget.FromEnvironment(env),
        };
    }

    public StepContext CreateContext(Action<string> log, Action<CleanProgress>? progress = null, int parallel = 1) => new()
    {
        Parallel = parallel,
        SplitDefaults = SplitDefaults,
        LoadBudget = LoadBudget,
        Store = Store,
        Buckets = Buckets,
        Contracts = CreateContractSource(),
        Loader = () => CreateLoader(log),
        Log = log,
        Progress = progress,
    };

    /// <summary>Precedence: an explicit <c>--contract</c> file, then the contract store, then the contracts folder; else the run infers.</summary>
    private IContractSource CreateContractSource()
    {
        IContractSource folder = ContractsDir is null
            ? FolderContractSource.Default(ContractFile)
            : new FolderContractSource([ContractsDir], ContractFile, foldersMustExist: true);
        if (ContractStore is null || ContractFile is not null) return folder;
        return new StoreContractSource(OpenContractStore(), folder);
    }

    /// <summary>The configured contract store; the S3 one shares this process's S3 client when the buckets are in S3 too.</summary>
    public IContractStore OpenContractStore() => ContractStoreLocation.Open(
        ContractStore ?? throw new Errors.EtlException(Errors.ErrorType.InternalError, "configuration: no contract store is set"),
        () => Store as S3ObjectStore ?? S3ObjectStore.FromEnvironment());

    private ITableLoader CreateLoader(Action<string> log)
    {
        if (MySqlConnectionString is { } cs) return new MySqlTableLoader(MySqlSettings.FromConnectionString(cs), log: log);
        if (MySqlEndpoint is { } e)
        {
            var settings = new MySqlSettings(ct => _credentials.Value.ConnectionStringAsync(e.Host, e.Port, e.Database, e.CredentialsParameter, ct));
            return new MySqlTableLoader(settings, log: log);
        }
        return new SqliteTableLoader(SqlitePath);
    }

    /// <summary>A variable's value; unset and empty are the same.</summary>
    internal static string? Env(Func<string, string?> env, string name) => env(name) is { Length: > 0 } v ? v : null;

    private static string Require(Func<string, string?> env, string name) =>
        Env(env, name) ?? throw new Errors.EtlException(Errors.ErrorType.InternalError, $"configuration: {name} is not set");
}
