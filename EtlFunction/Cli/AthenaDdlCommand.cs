using System.Globalization;
using EtlFunction.Athena;
using EtlFunction.Configuration;
using EtlFunction.Contracts;

namespace EtlFunction.Cli;

/// <summary>
/// <c>athena-ddl</c>: prints the <c>CREATE EXTERNAL TABLE</c> (partition projection on <c>dt</c>) for a
/// dataset's Parquet archive, from its contract found as <c>run</c> finds it (<c>--contract FILE</c>, else
/// <c>&lt;dataset&gt;.yaml</c> in <c>--contracts DIR</c>, <c>./contracts/</c> or beside the executable).
/// </summary>
public static class AthenaDdlCommand
{
    public const string Usage = "athena-ddl [DATASET] [--contract FILE] [--contracts DIR] [--database NAME] [--table NAME] [--bucket B] [--location URI] [--range-start DATE]";

    public static Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        _ = stderr;
        ct.ThrowIfCancellationRequested();
        var contractFile = args.Option("contract");
        var contractsDir = args.Option("contracts");
        var database = args.Option("database") ?? "default";
        var table = args.Option("table");
        var bucket = args.Option("bucket") ?? PipelineSettings.Env(Environment.GetEnvironmentVariable, "ETL_ARCHIVE_BUCKET");
        var location = args.Option("location");
        var rangeText = args.Option("range-start");
        args.EnsureAllUsed();
        if (args.Positionals.Count > 1 || (args.Positionals.Count == 0 && contractFile is null))
        {
            throw new UsageException("usage: EtlFunction " + Usage + " (a DATASET, a --contract FILE, or both)");
        }
        var rangeStart = new DateOnly(2000, 1, 1);
        if (rangeText is not null && !DateOnly.TryParseExact(rangeText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out rangeStart))
        {
            throw new UsageException($"--range-start is a day yyyy-MM-dd, got '{rangeText}'");
        }
        if (location is not null && !location.StartsWith("s3://", StringComparison.Ordinal))
        {
            throw new UsageException($"--location is an s3:// prefix, got '{location}'");
        }
        if (contractFile is not null && !File.Exists(contractFile)) throw new UsageException($"no such file: {contractFile}");

        var dataset = args.Positionals.Count == 1 ? args.Positionals[0] : null;
        var source = contractsDir is null
            ? FolderContractSource.Default(contractFile)
            : new FolderContractSource([contractsDir], contractFile, foldersMustExist: true);
        var contract = source.Find(dataset ?? "")
            ?? throw new UsageException($"no contract for dataset '{dataset}' (give --contract FILE or --contracts DIR): an inferred contract is not a table definition");
        dataset ??= contract.Dataset;
        if (location is null)
        {
            if (bucket is null) throw new UsageException("give --bucket B (or ETL_ARCHIVE_BUCKET) or --location s3://B/PREFIX/: where the archive lies");
            location = AthenaDdl.LocationOf(bucket, dataset);
        }
        if (!location.EndsWith('/')) location += "/";
        table ??= contract.Table.ToLowerInvariant();
        if (!AthenaDdl.IsValidName(database)) throw new UsageException($"--database '{database}': Athena names are lower-case letters, digits and _");
        if (!AthenaDdl.IsValidName(table)) throw new UsageException($"--table '{table}': Athena names are lower-case letters, digits and _");

        stdout.Write(AthenaDdl.Generate(contract, new AthenaTableOptions(database, table, location, rangeStart)));
        return Task.FromResult(0);
    }
}
