using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Cli;

/// <summary>
/// <c>bench</c>: measures each step on one file — wall time, rows/s, MB/s and peak RSS per step —
/// then the whole local pipeline, several runs, median quoted. Each run starts from an empty
/// store and database, so runs are comparable. Not a test: numbers go in the README and notes.
/// </summary>
public static class BenchCommand
{
    public const string Usage = "bench --file FILE [--dataset NAME] [--contract FILE] [--runs K] [--work DIR] [--json]";

    private sealed record Sample(string Step, double Seconds, long Rows, long Bytes, long PeakRss);

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var file = args.Option("file") ?? (args.Positionals.Count == 1 ? args.Positionals[0] : null)
            ?? throw new UsageException("usage: EtlFunction " + Usage);
        var runs = (int)Math.Max(1, args.Long("runs", 3));
        var work = args.Option("work") ?? Path.Combine(Path.GetTempPath(), "etl-bench");
        var json = args.Flag("json");
        var contractFile = args.Option("contract");
        var dataset = args.Option("dataset") ?? RunIds.DatasetOf(RunIds.StemOf(file));
        args.EnsureAllUsed();
        if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
        var size = new FileInfo(file).Length;
        stderr.WriteLine($"bench: {file} ({size / 1e6:F1} MB), {runs} run(s), work folder {work}");

        var samples = new List<Sample>();
        for (var run = 1; run <= runs; run++)
        {
            // Steps one by one, each with its own peak memory.
            var settings = Fresh(work, contractFile);
            var ctx = settings.CreateContext(_ => { });
            var key = $"{dataset}/{Path.GetFileName(file)}";
            await ctx.Store.PutFileAsync(ctx.Buckets.Landing, key, file, ct).ConfigureAwait(false);
            RunState state = null!;
            samples.Add(await Measure("preprocess", async () => state = await PreprocessStep.RunAsync(ctx, new PreprocessInput(ctx.Buckets.Landing, key, dataset), ct).ConfigureAwait(false),
                () => state.RowsRead, size).ConfigureAwait(false));
            var processedBytes = state.Processed?.Size ?? 0;
            var afterPre = state;
            samples.Add(await Measure("load", async () => state = await LoadStep.RunAsync(ctx, afterPre, ct).ConfigureAwait(false),
                () => state.RowsLoaded ?? 0, processedBytes).ConfigureAwait(false));
            var afterLoad = state;
            samples.Add(await Measure("archive", async () => state = await ArchiveStep.RunAsync(ctx, afterPre, ct).ConfigureAwait(false),
                () => state.Archive?.Sum(a => a.Rows) ?? 0, processedBytes).ConfigureAwait(false));
            var merged = LocalPipeline.Merge(afterLoad, state);
            samples.Add(await Measure("finalize", async () => state = await FinalizeStep.RunAsync(ctx, merged, ct).ConfigureAwait(false),
                () => state.RowsRead, 0).ConfigureAwait(false));

            // The whole pipeline as `run` does it: landing copy, preprocess, load ∥ archive, finalize.
            var whole = Fresh(work, contractFile).CreateContext(_ => { });
            samples.Add(await Measure("run (whole)", async () =>
            {
                await whole.Store.PutFileAsync(whole.Buckets.Landing, key, file, ct).ConfigureAwait(false);
                state = await LocalPipeline.RunAsync(whole, new PreprocessInput(whole.Buckets.Landing, key, dataset), ct).ConfigureAwait(false);
            }, () => state.RowsRead, size).ConfigureAwait(false));
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: {string.Join("  ", samples.TakeLast(5).Select(s => $"{s.Step} {s.Seconds:F2}s"))}"));
        }
        Directory.Delete(work, recursive: true);

        var table = samples.GroupBy(s => s.Step).Select(g =>
        {
            var ordered = g.OrderBy(s => s.Seconds).ToList();
            var median = ordered[ordered.Count / 2];
            return median with { PeakRss = g.Max(s => s.PeakRss) };
        }).ToList();
        if (json)
        {
            var doc = table.Select(s => new
            {
                step = s.Step,
                seconds = Math.Round(s.Seconds, 3),
                rows = s.Rows,
                rowsPerSecond = Math.Round(s.Rows / s.Seconds),
                megabytesPerSecond = s.Bytes > 0 ? Math.Round(s.Bytes / s.Seconds / 1e6, 1) : (double?)null,
                peakRssMegabytes = Math.Round(s.PeakRss / 1048576.0, 1),
            });
            await stdout.WriteLineAsync(JsonSerializer.Serialize(doc, Json.Options)).ConfigureAwait(false);
        }
        else
        {
            await stdout.WriteAsync(Format(table, runs)).ConfigureAwait(false);
        }
        return 0;
    }

    private static string Format(List<Sample> table, int runs)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"| step | median of {runs} (s) | rows | rows/s | MB/s | peak RSS (MiB) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in table)
        {
            var mbs = s.Bytes > 0 ? (s.Bytes / s.Seconds / 1e6).ToString("F1", ci) : "";
            sb.AppendLine(ci, $"| {s.Step} | {s.Seconds:F2} | {s.Rows:N0} | {s.Rows / s.Seconds:N0} | {mbs} | {s.PeakRss / 1048576.0:F0} |");
        }
        return sb.ToString();
    }

    private static LocalSettings Fresh(string work, string? contractFile)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        return new LocalSettings(work, Path.Combine(work, "etl.db"), contractFile, null);
    }

    private static async Task<Sample> Measure(string step, Func<Task> action, Func<long> rows, long bytes)
    {
        PeakMemory.Reset();
        var sw = Stopwatch.StartNew();
        await action().ConfigureAwait(false);
        var secs = sw.Elapsed.TotalSeconds;
        return new Sample(step, secs, rows(), bytes, PeakMemory.Peak());
    }
}
