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
    // S3 tag values: at most 256 characters of letters, digits, spaces and + - = . _ : / @.
    private static string TagValue(string s)
    {
        var clean = new string(s.Select(c => char.IsLetterOrDigit(c) || " +-=._:/@".Contains(c) ? c : '_').ToArray());
        return clean.Length <= 256 ? clean : clean[..256];
    }

    public static async Task<ObjectRef> RunAsync(StepContext ctx, string bucket, string key, string? etag, FailureInfo failure, CancellationToken ct = default)
    {
        // The same run id as preprocess derives (version id, else ETag), so the failure files sit under the run's id.
        var info = await PreprocessStep.FindSourceAsync(ctx.Store, bucket, key, ct).ConfigureAwait(false);
        key = info?.Key ?? key;
        var runId = RunIds.For(bucket, key, info?.VersionId ?? info?.ETag ?? etag ?? "unknown");
        var prefix = Buckets.FailedPrefix(runId);
        if (info is not null)
        {
            await ctx.Store.CopyAsync(bucket, key, ctx.Buckets.Processed, prefix + Path.GetFileName(key), ct).ConfigureAwait(false);
        }
        var doc = new QuarantineRecord(runId, new QuarantineSource(bucket, key, etag), failure.Error, failure.Cause,
            failure.FailedState, failure.ExecutionName, ctx.Clock.GetUtcNow());
        var errorKey = prefix + "error.json";
        await ctx.Store.PutTextAsync(ctx.Buckets.Processed, errorKey, JsonSerializer.Serialize(doc, Json.IndentedContext.QuarantineRecord), ct).ConfigureAwait(false);
        if (info is not null)
        {
            // Mark the source where it lies, so a listing of the landing bucket shows what failed and why.
            var tags = new Dictionary<string, string>
            {
                ["etl-status"] = "quarantined",
                ["etl-run-id"] = runId,
                ["etl-error"] = TagValue(failure.Error),
            };
            await ctx.Store.TagAsync(bucket, key, tags, ct).ConfigureAwait(false);
        }
        ctx.Log($"quarantine: source tagged, source and error.json copied to {ctx.Store.Describe(ctx.Buckets.Processed, prefix)}");
        return new ObjectRef(ctx.Buckets.Processed, errorKey);
    }
}
