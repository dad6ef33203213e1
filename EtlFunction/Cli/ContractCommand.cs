using System.Globalization;
using System.Text;
using System.Text.Json;
using EtlFunction.Cleaning;
using EtlFunction.Configuration;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Store;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Cli;

/// <summary>
/// <c>contract validate|diff|publish</c>: check a contract file (against a sample file), say what replacing one
/// contract by another does to the table and the Parquet schema, and publish a contract to the contract store
/// (S3 with versioning, or a folder) — which changes the next run without a new image. A contract that does not
/// validate is never published.
/// </summary>
public static class ContractCommand
{
    /// <summary>One usage line for the three verbs: <c>validate FILE [--sample CSV]</c>, <c>diff OLD NEW</c>, <c>publish FILE [STORE]</c>.</summary>
    public const string Usage = "contract validate|diff|publish FILE... [--sample CSV] [--contract-store STORE] [--json]";

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        await RunAsync(args, stdout, stderr, Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, Func<string, string?> env, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(env);
        if (args.Positionals.Count == 0) throw new UsageException("usage: EtlFunction " + Usage);
        var verb = args.Positionals[0];
        var rest = args.Positionals.Skip(1).ToList();
        var options = new Options(args.Option("sample"), args.Option("contract-store"), args.Flag("json"));
        args.EnsureAllUsed();
        if (options.Sample is not null && verb != "validate") throw new UsageException("--sample applies to contract validate only");
        if (options.Store is not null && verb != "publish") throw new UsageException("--contract-store applies to contract publish only");
        return verb switch
        {
            "validate" => await ValidateAsync(options, rest, stdout, ct).ConfigureAwait(false),
            "diff" => await DiffAsync(options, rest, stdout).ConfigureAwait(false),
            "publish" => await PublishAsync(options, rest, stdout, env, ct).ConfigureAwait(false),
            _ => throw new UsageException($"unknown contract command '{verb}' (validate, diff, publish)"),
        };
    }

    private sealed record Options(string? Sample, string? Store, bool Json);

    private static async Task<int> ValidateAsync(Options options, List<string> files, TextWriter stdout, CancellationToken ct)
    {
        var sample = options.Sample;
        if (files.Count != 1) throw new UsageException("usage: EtlFunction contract validate FILE [--sample CSV]");
        var contract = Load(files[0]);
        await stdout.WriteLineAsync($"{files[0]}: valid contract for dataset '{contract.Dataset}' (table {contract.Table}, {contract.Columns.Count} columns, fingerprint {contract.Fingerprint})").ConfigureAwait(false);
        if (sample is null) return 0;
        if (!File.Exists(sample)) throw new UsageException($"no such file: {sample}");
        var rejects = new HeadCapture(16 << 10);
        CleanResult result;
        await using (var source = new FileStream(sample, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            result = await Task.Run(() => new CsvCleaner(contract).Run(source, Stream.Null, rejects, null, ct), ct).ConfigureAwait(false);
        }
        await stdout.WriteLineAsync($"{sample}: {CsvCleaner.Describe(result)}").ConfigureAwait(false);
        foreach (var (column, n) in result.RejectsByColumn.OrderByDescending(p => p.Value))
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  rejected by {column}: {n}")).ConfigureAwait(false);
        }
        if (result.RowsRejected > 0)
        {
            await stdout.WriteLineAsync("first rejects (line, column, reason, record):").ConfigureAwait(false);
            foreach (var line in rejects.Text().Split('\n').Skip(1).Where(l => l.Length > 0).Take(10))
            {
                await stdout.WriteLineAsync("  " + line).ConfigureAwait(false);
            }
        }
        return 0;
    }

    private static async Task<int> DiffAsync(Options options, List<string> files, TextWriter stdout)
    {
        var json = options.Json;
        if (files.Count != 2) throw new UsageException("usage: EtlFunction contract diff OLD NEW");
        var changes = ContractDiff.Compare(Load(files[0]), Load(files[1]));
        if (json)
        {
            var doc = changes.Select(c => new ContractChangeDocument(c.Area.ToString().ToLowerInvariant(), c.Text)).ToList();
            await stdout.WriteLineAsync(JsonSerializer.Serialize(doc, Json.Context.ListContractChangeDocument)).ConfigureAwait(false);
            return 0;
        }
        if (changes.Count == 0)
        {
            await stdout.WriteLineAsync("no changes: the table, the Parquet schema and the accepted rows stay the same").ConfigureAwait(false);
            return 0;
        }
        foreach (var area in new[] { ChangeArea.Table, ChangeArea.Parquet, ChangeArea.Rows })
        {
            var inArea = changes.Where(c => c.Area == area).ToList();
            await stdout.WriteLineAsync(area switch
            {
                ChangeArea.Table => "table:",
                ChangeArea.Parquet => "parquet schema:",
                _ => "rows:",
            } + (inArea.Count == 0 ? " unchanged" : "")).ConfigureAwait(false);
            foreach (var c in inArea) await stdout.WriteLineAsync("  " + c.Text).ConfigureAwait(false);
        }
        return 0;
    }

    private static async Task<int> PublishAsync(Options options, List<string> files, TextWriter stdout, Func<string, string?> env, CancellationToken ct)
    {
        var (json, target) = (options.Json, options.Store);
        if (files.Count is < 1 or > 2) throw new UsageException("usage: EtlFunction contract publish FILE [s3://BUCKET/_contracts/|DIR]");
        if (files.Count == 2)
        {
            if (target is not null) throw new UsageException("give the contract store once: as an argument or with --contract-store");
            target = files[1];
        }
        target ??= PipelineSettings.Env(env, "ETL_CONTRACT_STORE")
            ?? throw new UsageException("contract publish needs a store: s3://BUCKET/_contracts/, a folder, --contract-store or ETL_CONTRACT_STORE");
        var bytes = await ReadFileAsync(files[0], ct).ConfigureAwait(false);
        var contract = ContractLoader.Parse(ContractSourceInfo.TextOf(bytes), files[0]);
        Database.TargetLimits.CheckContract(contract, inferred: false);
        S3ObjectStore? s3 = null;
        try
        {
            var store = ContractStoreLocation.Open(target, () => s3 = S3ObjectStore.FromEnvironment());
            var stored = await store.PutAsync(contract.Dataset, bytes, ct).ConfigureAwait(false);
            var info = stored.SourceInfo;
            if (json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new ContractPublishDocument(contract.Dataset, info, contract.Fingerprint), Json.Context.ContractPublishDocument)).ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteLineAsync($"published {files[0]} as {info.Location} (version {info.VersionId ?? "none: the store keeps no versions"}, sha256 {info.Sha256}); the next run of '{contract.Dataset}' uses it").ConfigureAwait(false);
            }
            return 0;
        }
        finally
        {
            s3?.Dispose();
        }
    }

    /// <summary>A contract file, validated completely (ContractViolation on any mistake, a usage error when it does not exist).</summary>
    private static DatasetContract Load(string path) =>
        File.Exists(path) ? ContractLoader.LoadFile(path) : throw new UsageException($"no such file: {path}");

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken ct) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) : throw new UsageException($"no such file: {path}");

    /// <summary>A write-only stream that keeps the first bytes written (the first rejects) and drops the rest.</summary>
    private sealed class HeadCapture(int limit) : Stream
    {
        private readonly MemoryStream _head = new();

        public string Text() => Encoding.UTF8.GetString(_head.GetBuffer(), 0, (int)_head.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            var take = (int)Math.Min(count, limit - _head.Length);
            if (take > 0) _head.Write(buffer, offset, take);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _head.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>One line of <c>contract diff --json</c>: which area (table, parquet, rows) and what changes.</summary>
public sealed record ContractChangeDocument(string Area, string Text);

/// <summary>What <c>contract publish --json</c> prints: the dataset, where the contract went, and its fingerprint.</summary>
public sealed record ContractPublishDocument(string Dataset, Contracts.Store.ContractSourceInfo ContractSource, string Fingerprint);
