using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Configuration;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Cli;

/// <summary>
/// <c>run FILE</c>: puts FILE into the landing bucket and runs the whole pipeline locally
/// (preprocess → load + archive → finalize), printing a summary on stderr and, with
/// <c>--json</c>, exactly one JSON object on stdout.
/// </summary>
public static class RunCommand
{
    public const string Usage = "run FILE [--dataset NAME] [--contract FILE] [--contracts DIR] [--contract-store STORE] [--store DIR] [--db FILE] [--s3 [--landing-bucket B --processed-bucket B --archive-bucket B]] [--mysql CONN] [--parallel N] [--sequential] [--json] [--quiet]";

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var json = args.Flag("json");
        var display = new Display(stderr, args.Flag("quiet"));
        var settings = CliSettings.FromArgs(args, Environment.GetEnvironmentVariable);
        var datasetOption = args.Option("dataset");
        var parallel = ParallelOption(args);
        // --sequential: load and archive only after preprocess, as the state machine does (else they stream on the single pass).
        var sequential = args.Flag("sequential");
        args.EnsureAllUsed();
        if (args.Positionals.Count != 1) throw new UsageException("usage: EtlFunction " + Usage);
        var file = args.Positionals[0];
        if (!File.Exists(file)) throw new UsageException($"no such file: {file}");

        var dataset = datasetOption ?? RunIds.DatasetOf(RunIds.StemOf(file));
        var total = new FileInfo(file).Length;
        var ctx = settings.CreateContext(display.Log, p => display.Progress(p, total), parallel);
        var sw = Stopwatch.StartNew();
        var key = $"{dataset}/{Path.GetFileName(file)}";
        if (ctx.Store.LocalPath(ctx.Buckets.Landing, key) is { } target)
        {
            await PutLandingAsync(ctx.Store, ctx.Buckets.Landing, key, file, target, ct).ConfigureAwait(false);
        }
        else
        {
            display.Log($"uploading {file} to {ctx.Store.Describe(ctx.Buckets.Landing, key)}");
            await ctx.Store.PutFileAsync(ctx.Buckets.Landing, key, file, ct).ConfigureAwait(false);
        }
        RunState state;
        try
        {
            state = await LocalPipeline.RunAsync(ctx, new PreprocessInput(ctx.Buckets.Landing, key, dataset), stream: !sequential, ct).ConfigureAwait(false);
        }
        finally
        {
            display.EndProgress();
        }
        var seconds = sw.Elapsed.TotalSeconds;
        string PathOf(ObjectRef r) => ctx.Store.LocalPath(r.Bucket, r.Key) is { } local ? Relative(local) : ctx.Store.Describe(r.Bucket, r.Key);
        var contractOrigin = state.ContractInferred
            ? $"inferred, saved as {PathOf(state.Contract!)}"
            : state.ContractSource is { } cs ? cs.Location + (cs.VersionId is { } v ? $" (version {v})" : "")
            : settings.ContractFile ?? $"contracts/{dataset}.yaml";
        display.Summary(state, seconds, contractOrigin, PathOf);
        if (json)
        {
            var summary = new RunSummary
            {
                RunId = state.RunId,
                Dataset = state.Dataset,
                RowsRead = state.RowsRead,
                RowsWritten = state.RowsWritten,
                RowsFiltered = state.RowsFiltered,
                RowsRejected = state.RowsRejected,
                RowsDeduplicated = state.RowsDeduplicated,
                RowsLoaded = state.RowsLoaded ?? 0,
                AlreadyLoaded = state.AlreadyLoaded,
                Table = state.Table,
                Processed = state.Processed is { } p ? PathOf(p) : null,
                Rejects = state.Rejects is { } r ? PathOf(r) : null,
                Archive = (state.Archive ?? []).Select(a => PathOf(new ObjectRef(a.Bucket, a.Key))).ToArray(),
                Manifest = state.Manifest is { } m ? PathOf(m) : null,
                Contract = state.Contract is { } c ? PathOf(c) : null,
                ContractInferred = state.ContractInferred,
                ContractFingerprint = state.ContractFingerprint,
                ContractSource = state.ContractSource,
                Database = settings.DatabaseKind == DatabaseKind.MySql ? state.Database : Relative(settings.SqlitePath),
                RejectsByColumn = state.RejectsByColumn,
                FilteredByColumn = state.FilteredByColumn,
                Timings = new Dictionary<string, double>(state.Timings) { ["total"] = Math.Round(seconds, 3) },
            };
            await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, Json.Context.RunSummary)).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>
    /// Copies FILE into the landing bucket with its own modification time, as an upload keeps the
    /// object's date: the archive day then follows the file, not the moment of the run. A landing
    /// copy with the same size and modification time is not copied again (rsync's rule).
    /// </summary>
    internal static async Task PutLandingAsync(IObjectStore store, string bucket, string key, string file, string target, CancellationToken ct)
    {
        var source = new FileInfo(file);
        if (File.Exists(target) && new FileInfo(target).Length == source.Length && File.GetLastWriteTimeUtc(target) == source.LastWriteTimeUtc)
        {
            return;
        }
        await store.PutFileAsync(bucket, key, file, ct).ConfigureAwait(false);
        File.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
    }

    /// <summary><c>--parallel N</c>: cores for preprocess (1, the default, is the single streaming pass).</summary>
    internal static int ParallelOption(Args args)
    {
        var n = args.Long("parallel", 1);
        return n is >= 1 and <= 256 ? (int)n : throw new UsageException($"--parallel needs a number from 1 to 256, got {n}");
    }

    internal static string Relative(string path)
    {
        var full = Path.GetFullPath(path);
        var cwd = Directory.GetCurrentDirectory();
        var rel = Path.GetRelativePath(cwd, full);
        return rel.StartsWith("..", StringComparison.Ordinal) ? full : rel;
    }
}
