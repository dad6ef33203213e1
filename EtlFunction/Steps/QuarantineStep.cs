using System.Text.Json;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>What failed, as Step Functions' Catch reports it (or the CLI when a step throws).</summary>
public sealed record FailureInfo(string Error, string Cause, string? FailedState = null, string? ExecutionName = null);

/// <summary>
/// The Catch target: copies the source object and an <c>error.json</c> (execution, failed state,
/// error type, cause) to <c>_failed/&lt;runId&gt;/</c> in the processed bucket. The original object
/// is left where it was: nothing is lost, and the file can be re-sent after a fix.
/// </summary>
public static class QuarantineStep
{
    public static async Task<ObjectRef> RunAsync(StepContext ctx, string bucket, string key, string? etag, FailureInfo failure, CancellationToken ct = default)
    {
        // The same run id as preprocess derives (version id, else ETag), so the failure files sit under the run's id.
        var info = await ctx.Store.HeadAsync(bucket, key, ct).ConfigureAwait(false);
        var runId = RunIds.For(bucket, key, info?.VersionId ?? info?.ETag ?? etag ?? "unknown");
        var prefix = Buckets.FailedPrefix(runId);
        if (info is not null)
        {
            await ctx.Store.CopyAsync(bucket, key, ctx.Buckets.Processed, prefix + Path.GetFileName(key), ct).ConfigureAwait(false);
        }
        var doc = new
        {
            runId,
            source = new { bucket, key, etag },
            error = failure.Error,
            cause = failure.Cause,
            failedState = failure.FailedState,
            executionName = failure.ExecutionName,
            quarantinedAt = ctx.Clock.GetUtcNow(),
        };
        var errorKey = prefix + "error.json";
        await ctx.Store.PutTextAsync(ctx.Buckets.Processed, errorKey, JsonSerializer.Serialize(doc, Json.Indented), ct).ConfigureAwait(false);
        ctx.Log($"quarantine: source and error.json copied to {ctx.Store.Describe(ctx.Buckets.Processed, prefix)}");
        return new ObjectRef(ctx.Buckets.Processed, errorKey);
    }
}
