using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Replay;

/// <summary>Which quarantined runs to replay: named run ids, or a dataset's quarantines in a time window.</summary>
public sealed record ReplaySelection(IReadOnlyList<string> RunIds, string? Dataset, DateTimeOffset? Since, DateTimeOffset? Until, bool Force);

/// <summary>What a replay does with one quarantined run.</summary>
public enum ReplayAction
{
    /// <summary>Copy the quarantined source back to its landing key (a new object there: S3 raises the event that starts the pipeline).</summary>
    Restore,
    /// <summary>The very object that failed still lies at its landing key in a local folder store (no events there): nothing to copy.</summary>
    InPlace,
    Skip,
}

/// <summary>One line of the plan: the quarantined run, what to do, and why.</summary>
public sealed record ReplayItem(string RunId, QuarantineEntry? Entry, ReplayAction Action, string Reason);

/// <summary>
/// Reads <c>_failed/</c> in the processed bucket and decides, for each selected quarantined run, whether to put
/// its source back. Read-only: <see cref="ReplayExecutor"/> does the writes.
/// </summary>
public static class ReplayPlanner
{
    public static async Task<IReadOnlyList<ReplayItem>> PlanAsync(IObjectStore store, Buckets buckets, ReplaySelection selection, CancellationToken ct = default)
    {
        var folders = new SortedDictionary<string, List<ObjectInfo>>(StringComparer.Ordinal);
        if (selection.RunIds.Count > 0)
        {
            foreach (var runId in selection.RunIds) folders[runId] = await ListAsync(store, buckets.Processed, Buckets.FailedPrefix(runId), ct).ConfigureAwait(false);
        }
        else
        {
            await foreach (var o in store.ListAsync(buckets.Processed, "_failed/", ct).ConfigureAwait(false))
            {
                var rest = o.Key["_failed/".Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0) continue;
                var runId = rest[..slash];
                if (!folders.TryGetValue(runId, out var list)) folders[runId] = list = [];
                list.Add(o);
            }
        }

        var items = new List<ReplayItem>();
        foreach (var (runId, files) in folders)
        {
            if (files.Count == 0)
            {
                items.Add(new ReplayItem(runId, null, ReplayAction.Skip, $"nothing quarantined under {Buckets.FailedPrefix(runId)}"));
                continue;
            }
            var (entry, problem) = await QuarantineEntry.ReadAsync(store, buckets.Processed, runId, files, ct).ConfigureAwait(false);
            if (entry is null)
            {
                items.Add(new ReplayItem(runId, null, ReplayAction.Skip, problem!));
                continue;
            }
            if (selection.RunIds.Count == 0 && !Selected(entry, selection)) continue;
            items.Add(await DecideAsync(store, entry, selection.Force, ct).ConfigureAwait(false));
        }
        return items;
    }

    private static bool Selected(QuarantineEntry entry, ReplaySelection selection) =>
        (selection.Dataset is null || entry.Dataset == selection.Dataset)
        && (selection.Since is not { } since || entry.QuarantinedAt >= since)
        && (selection.Until is not { } until || entry.QuarantinedAt < until);

    private static async Task<ReplayItem> DecideAsync(IObjectStore store, QuarantineEntry e, bool force, CancellationToken ct)
    {
        if (e.Marker is { } m && m.QuarantinedAt == e.QuarantinedAt && !force)
        {
            return new ReplayItem(e.RunId, e, ReplayAction.Skip, $"already replayed at {m.ReplayedAt:yyyy-MM-ddTHH:mm:ssZ} (--force replays it again)");
        }
        if (e.CopyKey is null)
        {
            return new ReplayItem(e.RunId, e, ReplayAction.Skip, "no source copy: the source was already gone when it was quarantined");
        }
        var landing = await store.HeadAsync(e.SourceBucket, e.SourceKey, ct).ConfigureAwait(false);
        if (landing is null) return new ReplayItem(e.RunId, e, ReplayAction.Restore, "the landing key is empty");
        // The run id of what lies at the landing key now: the same as the quarantined run's when it is the same object.
        var sameObject = RunIds.For(landing.Bucket, landing.Key, landing.VersionId ?? landing.ETag) == e.RunId;
        if (sameObject)
        {
            return store.LocalPath(e.SourceBucket, e.SourceKey) is not null
                ? new ReplayItem(e.RunId, e, ReplayAction.InPlace, "the quarantined object is still at its landing key")
                : new ReplayItem(e.RunId, e, ReplayAction.Restore, "rewritten to raise the object-created event");
        }
        return force
            ? new ReplayItem(e.RunId, e, ReplayAction.Restore, "--force: overwrites the other object now at the landing key")
            : new ReplayItem(e.RunId, e, ReplayAction.Skip, "the landing key holds another object now (a later upload, which runs on its own; --force overwrites it)");
    }

    private static async Task<List<ObjectInfo>> ListAsync(IObjectStore store, string bucket, string prefix, CancellationToken ct)
    {
        var list = new List<ObjectInfo>();
        await foreach (var o in store.ListAsync(bucket, prefix, ct).ConfigureAwait(false)) list.Add(o);
        return list;
    }
}
