using System.Globalization;
using System.Text.RegularExpressions;
using EtlFunction.Errors;
using EtlFunction.Replay;

namespace EtlFunction.Cli;

/// <summary>
/// <c>replay</c>: re-runs quarantined work after a fix. Prints one line per quarantined run (what it would do,
/// or did); <c>--apply</c> puts each source back to its landing key, where the S3 event starts the state machine
/// again; <c>--run</c> also runs the pipeline here (the local folder flow has no events).
/// </summary>
public static partial class ReplayCommand
{
    public const string Usage = "replay [RUNID] [--dataset NAME] [--since TIME] [--until TIME] [--apply] [--run] [--force] [--contract FILE] [--contracts DIR] [--contract-store STORE] [--store DIR] [--db FILE] [--s3 [--landing-bucket B --processed-bucket B --archive-bucket B]] [--mysql CONN] [--quiet]";

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var display = new Display(stderr, args.Flag("quiet"));
        var apply = args.Flag("apply");
        var run = args.Flag("run");
        var force = args.Flag("force");
        var dataset = args.Option("dataset");
        var since = Time(args, "since");
        var until = Time(args, "until");
        var settings = CliSettings.FromArgs(args, Environment.GetEnvironmentVariable);
        args.EnsureAllUsed();
        var runIds = args.Positionals.Select(RunIdOf).ToList();
        if (runIds.Count == 0 && dataset is null) throw new UsageException("name the quarantined runs: RUNID (or _failed/RUNID/) or --dataset NAME [--since TIME] [--until TIME]");
        if (runIds.Count > 0 && (dataset is not null || since is not null || until is not null)) throw new UsageException("give run ids or --dataset/--since/--until, not both");
        if (run && !apply) throw new UsageException("--run runs the pipeline on what --apply puts back: add --apply");

        var ctx = settings.CreateContext(display.Log);
        var plan = await ReplayPlanner.PlanAsync(ctx.Store, ctx.Buckets, new ReplaySelection(runIds, dataset, since, until, force), ct).ConfigureAwait(false);
        if (plan.Count == 0)
        {
            await stderr.WriteLineAsync("replay: no quarantined run matches").ConfigureAwait(false);
            return 0;
        }
        var exit = 0;
        foreach (var item in plan)
        {
            if (!apply || item.Action == ReplayAction.Skip)
            {
                await stdout.WriteLineAsync(Line(item, apply ? "" : "would ")).ConfigureAwait(false);
                continue;
            }
            var outcome = await ReplayExecutor.ApplyAsync(ctx, item, force, run, ct).ConfigureAwait(false);
            var line = Line(item, "");
            if (!outcome.Started) line += "; not started: a local folder store has no events (add --run to run it here)";
            if (outcome.State is { } s)
            {
                line += s.AlreadyLoaded == true
                    ? $"; ran {s.RunId}: already in the ledger, loaded nothing"
                    : $"; ran {s.RunId}: loaded {s.RowsLoaded ?? 0} rows, rejected {s.RowsRejected}";
            }
            if (outcome.Failure is { } f)
            {
                line += $"; ran: failed again with {f.Type}: {f.Message} (quarantined again)";
                if (exit == 0) exit = EtlException.ExitCodeFor(f.Type);
            }
            await stdout.WriteLineAsync(line).ConfigureAwait(false);
        }
        var todo = plan.Count(i => i.Action != ReplayAction.Skip);
        await stderr.WriteLineAsync(apply
            ? $"replay: {todo} put back, {plan.Count - todo} skipped"
            : $"replay: dry run, {todo} to put back, {plan.Count - todo} skipped; add --apply to do it").ConfigureAwait(false);
        return exit;
    }

    private static string Line(ReplayItem item, string would)
    {
        if (item.Action == ReplayAction.Skip || item.Entry is not { } e) return $"skip {item.RunId}: {item.Reason}";
        var verb = item.Action == ReplayAction.Restore ? (would.Length > 0 ? "would restore" : "restored") : (would.Length > 0 ? "would replay in place" : "replayed in place");
        var from = item.Action == ReplayAction.Restore ? $"{e.CopyKey} -> " : "";
        return $"{verb} {item.RunId}: {from}{e.SourceBucket}/{e.SourceKey} ({e.Error}, quarantined {e.QuarantinedAt:yyyy-MM-ddTHH:mm:ssZ}; {item.Reason})";
    }

    /// <summary>A run id as given: <c>RUNID</c>, <c>_failed/RUNID/</c> or a path ending in it.</summary>
    private static string RunIdOf(string text)
    {
        var id = text.TrimEnd('/', '\\');
        id = id[(id.LastIndexOfAny(['/', '\\']) + 1)..];
        return RunIdPattern().IsMatch(id) ? id : throw new UsageException($"'{text}' is not a run id (16 hex digits, as in _failed/<runId>/)");
    }

    /// <summary><c>--since</c>/<c>--until</c>: an ISO 8601 time or day; without an offset it is UTC.</summary>
    private static DateTimeOffset? Time(Args args, string name)
    {
        var text = args.Option(name);
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : throw new UsageException($"--{name} is an ISO 8601 time such as 2026-12-05 or 2026-12-05T08:00:00Z, got '{text}'");
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex RunIdPattern();
}
