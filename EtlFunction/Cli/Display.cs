using System.Diagnostics;
using System.Globalization;
using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// Human output on stderr: a live progress line (rows/s, MB/s) while a long file is cleaned, and
/// the final summary table. stdout is kept for machine output (<c>--json</c>).
/// </summary>
public sealed class Display(TextWriter err, bool quiet)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastTick;
    private readonly bool _live = !Console.IsErrorRedirected;
    private readonly CultureInfo _ci = CultureInfo.InvariantCulture;

    public void Log(string message)
    {
        if (!quiet) err.WriteLine(message);
    }

    public void Progress(CleanProgress p, long totalBytes)
    {
        if (quiet || !_live) return;
        var now = _clock.ElapsedMilliseconds;
        if (now - _lastTick < 250) return;
        _lastTick = now;
        var secs = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        var pct = totalBytes > 0 ? $"{100.0 * p.BytesRead / totalBytes,5:F1}% " : "";
        err.Write(string.Create(_ci, $"\r  preprocess {pct}{p.RowsRead,12:N0} rows  {p.RowsRead / secs,10:N0} rows/s  {p.BytesRead / secs / 1e6,6:F1} MB/s   "));
        if (p.BytesRead >= totalBytes) err.Write('\r' + new string(' ', 90) + '\r');
    }

    public void EndProgress()
    {
        if (!quiet && _live) err.Write('\r' + new string(' ', 90) + '\r');
    }

    public void Summary(RunState s, double totalSeconds, string contractOrigin, Func<ObjectRef, string> path)
    {
        if (quiet) return;
        var sb = new StringBuilder();
        var ci = _ci;
        sb.AppendLine(ci, $"run {s.RunId}  dataset {s.Dataset}  contract {contractOrigin} ({s.ContractFingerprint})");
        sb.AppendLine(ci, $"  {"rows read",-14}{s.RowsRead,14:N0}");
        sb.AppendLine(ci, $"  {"written",-14}{s.RowsWritten,14:N0}");
        sb.AppendLine(ci, $"  {"filtered",-14}{s.RowsFiltered,14:N0}{Breakdown(s.FilteredByColumn)}");
        sb.AppendLine(ci, $"  {"rejected",-14}{s.RowsRejected,14:N0}{Breakdown(s.RejectsByColumn)}");
        sb.AppendLine(ci, $"  {"deduplicated",-14}{s.RowsDeduplicated,14:N0}");
        var loaded = s.AlreadyLoaded == true ? "  (already loaded by an earlier run: nothing written)" : $"  into {s.Table} ({s.LoadMethod})";
        sb.AppendLine(ci, $"  {"loaded",-14}{s.RowsLoaded ?? 0,14:N0}{loaded}");
        if (s.BlankLines > 0) sb.AppendLine(ci, $"  {"blank lines",-14}{s.BlankLines,14:N0}  (skipped, not rows)");
        sb.AppendLine("outputs");
        if (s.Processed is { } p) sb.AppendLine(ci, $"  processed   {path(p)}");
        if (s.Rejects is { } r) sb.AppendLine(ci, $"  rejects     {path(r)}");
        foreach (var a in s.Archive ?? []) sb.AppendLine(ci, $"  archive     {path(new ObjectRef(a.Bucket, a.Key))}  ({a.Rows:N0} rows)");
        if (s.Manifest is { } m) sb.AppendLine(ci, $"  manifest    {path(m)}");
        if (s.Database is { } db) sb.AppendLine(ci, $"  database    {db}  table {s.Table}");
        sb.Append("timings    ");
        foreach (var (step, secs) in s.Timings)
        {
            sb.Append(ci, $" {step} {secs:F2}s");
            if (step == "preprocess" && s.Source.Size is { } size && secs > 0) sb.Append(ci, $" ({size / secs / 1e6:F1} MB/s)");
        }
        sb.AppendLine(ci, $"  total {totalSeconds:F2}s ({(totalSeconds > 0 ? s.RowsRead / totalSeconds : 0):N0} rows/s)");
        err.Write(sb.ToString());
    }

    private string Breakdown(Dictionary<string, long>? d) =>
        d is null || d.Count == 0 ? "" : "  " + string.Join(", ", d.OrderByDescending(kv => kv.Value).Select(kv => string.Create(_ci, $"{kv.Key} {kv.Value:N0}")));
}
