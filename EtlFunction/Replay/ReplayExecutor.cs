using System.Text.Json;
using EtlFunction.Errors;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Replay;

/// <summary>
/// What applying one plan item did; <see cref="State"/> when the pipeline ran here, <see cref="Failure"/> when it failed;
/// <see cref="Started"/> false when nothing will run the object (a local folder store has no events and <c>--run</c> was not given).
/// </summary>
public sealed record ReplayOutcome(ReplayItem Item, RunState? State, ClassifiedError? Failure, bool Started = true);

/// <summary>
/// Applies a replay plan: puts each source back to its landing key (tagged <c>etl-status=replayed</c>), writes
/// <c>_failed/&lt;runId&gt;/replayed.json</c>, and with <c>run</c> runs the pipeline on it in this process (the CLI's
/// local flow, where no event starts it; there, without <c>run</c>, the source is only put back and not marked). Loads stay exactly-once whatever is replayed: a run id already in the
/// ledger loads nothing.
/// </summary>
public static class ReplayExecutor
{
    public static async Task<ReplayOutcome> ApplyAsync(StepContext ctx, ReplayItem item, bool force, bool run, CancellationToken ct = default)
    {
        if (item.Action == ReplayAction.Skip || item.Entry is not { } e) return new ReplayOutcome(item, null, null);
        if (item.Action == ReplayAction.Restore)
        {
            await ctx.Store.CopyAsync(ctx.Buckets.Processed, e.CopyKey!, e.SourceBucket, e.SourceKey, ct).ConfigureAwait(false);
        }
        // A store of local files raises no events: without --run nothing starts the pipeline, so the quarantine is not
        // marked replayed (a later replay with --run must not find it "already replayed").
        if (!run && ctx.Store.LocalPath(e.SourceBucket, e.SourceKey) is not null) return new ReplayOutcome(item, null, null, Started: false);
        var tags = new Dictionary<string, string> { ["etl-status"] = "replayed", ["etl-run-id"] = e.RunId };
        await ctx.Store.TagAsync(e.SourceBucket, e.SourceKey, tags, ct).ConfigureAwait(false);
        var marker = new ReplayMarker(e.RunId, e.QuarantinedAt, ctx.Clock.GetUtcNow(), e.SourceBucket, e.SourceKey,
            item.Action == ReplayAction.Restore ? "restore" : "in-place", force);
        await ctx.Store.PutTextAsync(ctx.Buckets.Processed, QuarantineEntry.MarkerKey(e.RunId), JsonSerializer.Serialize(marker, Json.IndentedContext.ReplayMarker), ct).ConfigureAwait(false);
        if (!run) return new ReplayOutcome(item, null, null);
        try
        {
            // As the event flow would: the dataset from the key's first segment (where run --dataset landed it).
            var state = await LocalPipeline.RunAsync(ctx, new PreprocessInput(e.SourceBucket, e.SourceKey), ct).ConfigureAwait(false);
            return new ReplayOutcome(item, state, null);
        }
        catch (Exception x) when (x is not OperationCanceledException)
        {
            // LocalPipeline has quarantined it again (a newer error.json): a later replay may try again.
            return new ReplayOutcome(item, null, ErrorClassifier.Classify(x));
        }
    }
}
