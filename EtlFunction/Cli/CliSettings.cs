using EtlFunction.Configuration;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// The command line's part of <see cref="PipelineSettings"/>: options, with the same environment
/// variables as fallbacks that the Lambda host reads. Here, not in <c>Configuration/</c>, because a bad
/// option is a <see cref="UsageException"/> (exit 2), which only the CLI has.
/// </summary>
internal static class CliSettings
{
    /// <summary>
    /// CLI options: <c>--store DIR</c>, <c>--db FILE</c>, <c>--contract FILE</c>, <c>--contracts DIR</c>,
    /// <c>--contract-store s3://bucket/_contracts/|DIR</c> (or <c>ETL_CONTRACT_STORE</c>),
    /// <c>--s3</c> with <c>--landing-bucket</c>/<c>--processed-bucket</c>/<c>--archive-bucket</c> (or
    /// <c>ETL_LANDING_BUCKET</c>, <c>ETL_PROCESSED_BUCKET</c>, <c>ETL_ARCHIVE_BUCKET</c>), and
    /// <c>--mysql CONNECTION_STRING</c> (or <c>ETL_MYSQL</c>; <c>--db</c> wins over the variable); the plan step's
    /// defaults from the environment as in Lambda (<see cref="SplitEnvironment"/>).
    /// </summary>
    public static PipelineSettings FromArgs(Args args, Func<string, string?> env)
    {
        var store = args.Option("store") ?? PipelineSettings.Env(env, "ETL_STORE") ?? ".etl";
        var db = args.Option("db");
        var mysql = args.Option("mysql") ?? (db is null ? PipelineSettings.Env(env, "ETL_MYSQL") : null);
        var useS3 = args.Flag("s3");
        var buckets = Buckets.Local;
        var landing = args.Option("landing-bucket");
        var processed = args.Option("processed-bucket");
        var archive = args.Option("archive-bucket");
        if (useS3)
        {
            buckets = new Buckets(
                landing ?? PipelineSettings.Env(env, "ETL_LANDING_BUCKET") ?? throw new UsageException("--s3 needs --landing-bucket or ETL_LANDING_BUCKET"),
                processed ?? PipelineSettings.Env(env, "ETL_PROCESSED_BUCKET") ?? throw new UsageException("--s3 needs --processed-bucket or ETL_PROCESSED_BUCKET"),
                archive ?? PipelineSettings.Env(env, "ETL_ARCHIVE_BUCKET") ?? throw new UsageException("--s3 needs --archive-bucket or ETL_ARCHIVE_BUCKET"));
        }
        else if (landing is not null || processed is not null || archive is not null)
        {
            throw new UsageException("bucket options need --s3");
        }
        return new PipelineSettings(store, useS3 ? StoreKind.S3 : StoreKind.Folder, buckets, db ?? Path.Combine(store, "etl.db"), mysql, null,
            args.Option("contract"), args.Option("contracts"), SplitEnvironment.Read(env),
            args.Option("contract-store") ?? PipelineSettings.Env(env, "ETL_CONTRACT_STORE"));
    }
}
