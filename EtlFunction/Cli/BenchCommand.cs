using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Cli;

/// <summary>
/// <c>bench</c>: measures each step on one file, every step in its own process as a Lambda would
/// run it (<c>invoke STEP</c>), then the whole <c>run</c>: wall time, rows/s, MB/s and the process's
/// peak RSS. Several runs, median quoted; each run starts from an empty store and database.
/// Not a test: the numbers go in the README and the notes.
/// </summary>
public static class BenchCommand
{
    public const string Usage = "bench --file FILE [--dataset NAME] [--contract FILE] [--runs K] [--work DIR] [--json]";


    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var file = args.Option("file") ?? (args.Positionals.Count == 1 ? args.Positionals[0] : null)
            ?? throw new UsageException("usage: EtlFunction " + Usage);
        var runs = (int)Math.Max(1, args.Long("runs", 3));
        var work = Path.GetFullPath(args.Option("work") ?? Path.Combine(Path.GetTempPath(), "etl-bench"));
        var json = args.Flag("json");
        var contractFile = args.Option("contract") is { } cf ? Path.GetFullPath(cf) : null;
        var dataset = args.Option("dataset") ?? RunIds.DatasetOf(RunIds.StemOf(file));
        args.EnsureAllUsed();
        if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
        file = Path.GetFullPath(file);
        var info = new FileInfo(file);
        var size = (info.LinkTarget is null ? info : (FileInfo)info.ResolveLinkTarget(returnFinalTarget: true)!).Length; // a symlink's own size is not the data's
        await stderr.WriteLineAsync($"bench: {file} ({size / 1e6:F1} MB), {runs} run(s), each step in its own process; work folder {work}").ConfigureAwait(false);

        var common = new List<string> { "--store", Path.Combine(work, "store"), "--db", Path.Combine(work, "store", "etl.db") };
        if (contractFile is not null) common.AddRange(["--contract", contractFile]);
        var samples = new List<BenchSample>();
        for (var run = 1; run <= runs; run++)
        {
            Fresh(work);
            // Upload as S3 would: the store records the ETag while the bytes pass, not at first HEAD.
            var landing = new FolderObjectStore(Path.Combine(work, "store"));
            var key = $"{dataset}/{Path.GetFileName(file)}";
            await RunCommand.PutLandingAsync(landing, "landing", key, file, landing.PathOf("landing", key), ct).ConfigureAwait(false);
            var evt = JsonSerializer.Serialize(new PreprocessInput("landing", $"{dataset}/{Path.GetFileName(file)}", dataset), Json.Context.PreprocessInput);

            var pre = await Child(work, ["invoke", "preprocess", .. common], evt, ct).ConfigureAwait(false);
            var state = StepEvents.ParseState(pre.Stdout);
            var processedBytes = state.Processed?.Size ?? 0;
            samples.Add(new BenchSample("preprocess", pre.Seconds, state.Timings["preprocess"], state.RowsRead, size, pre.PeakRss));
            var load = await Child(work, ["invoke", "load", .. common], pre.Stdout, ct).ConfigureAwait(false);
            var loaded = StepEvents.ParseState(load.Stdout);
            samples.Add(new BenchSample("load", load.Seconds, loaded.Timings["load"], loaded.RowsLoaded ?? 0, processedBytes, load.PeakRss));
            var archive = await Child(work, ["invoke", "archive", .. common], pre.Stdout, ct).ConfigureAwait(false);
            var archived = StepEvents.ParseState(archive.Stdout);
            samples.Add(new BenchSample("archive", archive.Seconds, archived.Timings["archive"], archived.Archive?.Sum(a => a.Rows) ?? 0, processedBytes, archive.PeakRss));
            var fin = await Child(work, ["invoke", "finalize", .. common], $"[{load.Stdout},{archive.Stdout}]", ct).ConfigureAwait(false);
            samples.Add(new BenchSample("finalize", fin.Seconds, StepEvents.ParseState(fin.Stdout).Timings["finalize"], state.RowsRead, 0, fin.PeakRss));

            Fresh(work);
            var whole = await Child(work, ["run", file, "--dataset", dataset, "--json", "--quiet", .. common], "", ct).ConfigureAwait(false);
            using var summary = JsonDocument.Parse(whole.Stdout);
            samples.Add(new BenchSample("run (whole)", whole.Seconds, summary.RootElement.GetProperty("timings").GetProperty("total").GetDouble(),
                summary.RootElement.GetProperty("rowsRead").GetInt64(), size, whole.PeakRss));
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: {string.Join("  ", samples.TakeLast(5).Select(s => $"{s.Step} {s.Seconds:F2}s"))}")).ConfigureAwait(false);
        }
        Directory.Delete(work, recursive: true);

        var table = samples.GroupBy(s => s.Step).Select(g =>
        {
            var ordered = g.OrderBy(s => s.Seconds).ToList();
            return ordered[ordered.Count / 2] with { PeakRss = g.Max(s => s.PeakRss) };
        }).ToList();
        await stdout.WriteAsync(json ? JsonSerializer.Serialize(table, Json.Context.ListBenchSample) + "\n" : Format(table, runs)).ConfigureAwait(false);
        return 0;
    }

    private static string Format(List<BenchSample> table, int runs)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"| step | wall, median of {runs} (s) | in-step (s) | rows | rows/s | MB/s | peak RSS (MiB) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in table)
        {
            var mbs = s.Bytes > 0 && s.StepSeconds > 0 ? (s.Bytes / s.StepSeconds / 1e6).ToString("F1", ci) : "";
            var rows = s.StepSeconds > 0 ? (s.Rows / s.StepSeconds).ToString("N0", ci) : "";
            sb.AppendLine(ci, $"| {s.Step} | {s.Seconds:F2} | {s.StepSeconds:F2} | {s.Rows:N0} | {rows} | {mbs} | {s.PeakRss / 1048576.0:F0} |");
        }
        sb.AppendLine("wall = process start to exit, runtime start-up included; in-step = the step's own timing, which rows/s and MB/s (of the step's input) are computed from.");
        return sb.ToString();
    }

    private static void Fresh(string work)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
    }

    private sealed record ChildResult(string Stdout, double Seconds, long PeakRss);

    /// <summary>Runs this executable with <paramref name="args"/>; its peak RSS comes back through <see cref="PeakMemory.ReportFileVariable"/>.</summary>
    private static async Task<ChildResult> Child(string work, string[] args, string stdin, CancellationToken ct)
    {
        var peakFile = Path.Combine(work, "peak-rss.txt");
        var psi = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(BenchCommand).Assembly.GetName().Name + ".dll"));
        psi.FileName = self;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment[PeakMemory.ReportFileVariable] = peakFile;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        var seconds = sw.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args.Take(2))} failed ({p.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        var peak = long.Parse(await File.ReadAllTextAsync(peakFile, ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return new ChildResult(await stdout.ConfigureAwait(false), seconds, peak);
    }
}

/// <summary>One step's median timing in <c>bench</c> (the <c>--json</c> rows).</summary>
internal sealed record BenchSample(string Step, double Seconds, double StepSeconds, long Rows, long Bytes, long PeakRss);
