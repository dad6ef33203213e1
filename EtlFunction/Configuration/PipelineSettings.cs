using EtlFunction.Contracts;
using System.Globalization;
using EtlFunction.Cleaning;
using EtlFunction.Cli;
using EtlFunction.Database;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Configuration;

/// <summary>Where the MySQL credentials come from when no full connection string is given.</summary>
public sealed record MySqlEndpoint(string Host, int Port, string Database, string CredentialsParameter);

/// <summary>
/// Which store, buckets, database and contracts a process uses — decided once, from the command
/// line (<see cref="FromArgs"/>) or the Lambda environment (<see cref="FromEnvironment"/>). The
/// embedded defaults are a folder (<c>.etl/</c>) as the three buckets and SQLite as the database; S3
/// and MySQL replace them independently. Clients are created once and reused by every context
/// (a warm Lambda keeps its S3 connections and cached credentials).
/// </summary>
public sealed class PipelineSettings
{
    private readonly Lazy<IObjectStore> _store;
    private readonly Lazy<DatabaseCredentials> _credentials = new(DatabaseCredentials.FromParameterStore);

    public PipelineSettings(string storeRoot, bool useS3, Buckets buckets, string sqlitePath, string? mySqlConnectionString = null,
        MySqlEndpoint? mySqlEndpoint = null, string? contractFile = null, string? contractsDir = null)
    {
        StoreRoot = storeRoot;
        UseS3 = useS3;
        Buckets = buckets;
        SqlitePath = sqlitePath;
        MySqlConnectionString = mySqlConnectionString;
        MySqlEndpoint = mySqlEndpoint;
        ContractFile = contractFile;
        ContractsDir = contractsDir;
        _store = new Lazy<IObjectStore>(() => UseS3 ? S3ObjectStore.FromEnvironment() : new FolderObjectStore(StoreRoot));
    }

    public string StoreRoot { get; }
    public bool UseS3 { get; }
    public Buckets Buckets { get; }
    public string SqlitePath { get; }
    public string? MySqlConnectionString { get; }
    public MySqlEndpoint? MySqlEndpoint { get; }
    public string? ContractFile { get; }
    public string? ContractsDir { get; }
    public bool UseMySql => MySqlConnectionString is not null || MySqlEndpoint is not null;

    public IObjectStore Store => _store.Value;

    /// <summary>
    /// CLI options: <c>--store DIR</c>, <c>--db FILE</c>, <c>--contract FILE</c>, <c>--contracts DIR</c>,
    /// <c>--s3</c> with <c>--landing-bucket</c>/<c>--processed-bucket</c>/<c>--archive-bucket</c> (or
    /// <c>ETL_LANDING_BUCKET</c>, <c>ETL_PROCESSED_BUCKET</c>, <c>ETL_ARCHIVE_BUCKET</c>), and
    /// <c>--mysql CONNECTION_STRING</c> (or <c>ETL_MYSQL</c>; <c>--db</c> wins over the variable).
    /// </summary>
    public static PipelineSettings FromArgs(Args args, Func<string, string?> env)
    {
        var store = args.Option("store") ?? Env(env, "ETL_STORE") ?? ".etl";
        var db = args.Option("db");
        var mysql = args.Option("mysql") ?? (db is null ? Env(env, "ETL_MYSQL") : null);
        var useS3 = args.Flag("s3");
        var buckets = Buckets.Local;
        var landing = args.Option("landing-bucket");
        var processed = args.Option("processed-bucket");
        var archive = args.Option("archive-bucket");
        if (useS3)
        {
            buckets = new Buckets(
                landing ?? Env(env, "ETL_LANDING_BUCKET") ?? throw new UsageException("--s3 needs --landing-bucket or ETL_LANDING_BUCKET"),
                processed ?? Env(env, "ETL_PROCESSED_BUCKET") ?? throw new UsageException("--s3 needs --processed-bucket or ETL_PROCESSED_BUCKET"),
                archive ?? Env(env, "ETL_ARCHIVE_BUCKET") ?? throw new UsageException("--s3 needs --archive-bucket or ETL_ARCHIVE_BUCKET"));
        }
        else if (landing is not null || processed is not null || archive is not null)
        {
            throw new UsageException("bucket options need --s3");
        }
        return new PipelineSettings(store, useS3, buckets, db ?? Path.Combine(store, "etl.db"), mysql, null,
            args.Option("contract"), args.Option("contracts"));
    }

    /// <summary>
    /// The Lambda environment: S3 when <c>ETL_LANDING_BUCKET</c> is set (all three bucket variables
    /// then), else a folder store at <c>ETL_STORE</c> (default the temp folder); MySQL from
    /// <c>ETL_MYSQL</c> (a connection string) or <c>ETL_MYSQL_HOST</c> + <c>ETL_MYSQL_PORT</c> +
    /// <c>ETL_MYSQL_DATABASE</c> + <c>ETL_MYSQL_CREDENTIALS_PARAMETER</c>, else SQLite at <c>ETL_DB</c>;
    /// contracts from <c>ETL_CONTRACTS</c> (default: <c>contracts/</c> beside the executable).
    /// </summary>
    public static PipelineSettings FromEnvironment(Func<string, string?> env)
    {
        var store = Env(env, "ETL_STORE") ?? Path.Combine(Path.GetTempPath(), "etl");
        var landing = Env(env, "ETL_LANDING_BUCKET");
        var useS3 = landing is not null;
        var buckets = useS3
            ? new Buckets(landing!, Require(env, "ETL_PROCESSED_BUCKET"), Require(env, "ETL_ARCHIVE_BUCKET"))
            : Buckets.Local;
        MySqlEndpoint? endpoint = null;
        if (Env(env, "ETL_MYSQL_HOST") is { } host)
        {
            var port = Env(env, "ETL_MYSQL_PORT") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 3306;
            endpoint = new MySqlEndpoint(host, port, Require(env, "ETL_MYSQL_DATABASE"), Require(env, "ETL_MYSQL_CREDENTIALS_PARAMETER"));
        }
        return new PipelineSettings(store, useS3, buckets, Env(env, "ETL_DB") ?? Path.Combine(store, "etl.db"),
            Env(env, "ETL_MYSQL"), endpoint, null, Env(env, "ETL_CONTRACTS"));
    }

    public StepContext CreateContext(Action<string> log, Action<CleanProgress>? progress = null, int parallel = 1) => new()
    {
        Parallel = parallel,
        Store = Store,
        Buckets = Buckets,
        Contracts = ContractsDir is null
            ? FolderContractSource.Default(ContractFile)
            : new FolderContractSource([ContractsDir], ContractFile),
        Loader = () => CreateLoader(log),
        Log = log,
        Progress = progress,
    };

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

    private static string? Env(Func<string, string?> env, string name) => env(name) is { Length: > 0 } v ? v : null;

    private static string Require(Func<string, string?> env, string name) =>
        Env(env, name) ?? throw new Errors.EtlException(Errors.ErrorType.InternalError, $"configuration: {name} is not set");
}
