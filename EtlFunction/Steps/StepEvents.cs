using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// Reads the JSON each step is invoked with, whoever sends it: the S3 "Object Created"
/// EventBridge event or a plain <c>{"bucket","key"}</c> for preprocess, the run state for the others,
/// the two-element array a Parallel state returns for finalize. Bad JSON is <see cref="ErrorType.InvalidInput"/>.
/// </summary>
public static class StepEvents
{
    public static PreprocessInput ParsePreprocess(string json)
    {
        var node = Parse(json);
        if (node is JsonObject o)
        {
            var dataset = (string?)o["dataset"];
            if (o["detail"] is JsonObject detail)
            {
                var bucket = (string?)detail["bucket"]?["name"];
                var key = (string?)detail["object"]?["key"];
                if (bucket is not null && key is not null) return new PreprocessInput(bucket, key, dataset);
            }
            if ((string?)o["bucket"] is { } b && (string?)o["key"] is { } k) return new PreprocessInput(b, k, dataset);
            if (o["source"] is JsonObject src && (string?)src["bucket"] is { } sb && (string?)src["key"] is { } sk) return new PreprocessInput(sb, sk, dataset);
        }
        throw new EtlException(ErrorType.InvalidInput, "preprocess expects an S3 Object Created event or {\"bucket\": ..., \"key\": ...}");
    }

    /// <summary>A run state, or the array of branch states a Parallel state produced (merged).</summary>
    public static RunState ParseState(string json)
    {
        var node = Parse(json);
        try
        {
            if (node is JsonArray arr)
            {
                var states = arr.Select(n => n.Deserialize<RunState>(Json.Options) ?? throw Bad()).ToList();
                if (states.Count == 0) throw Bad();
                // The load branch's state carries the load fields, the other branch the archive (a split run's
                // archive branch returns the merge state: its files are listed beside the parts).
                var load = states.FirstOrDefault(s => s.RowsLoaded is not null || s.AlreadyLoaded is not null)
                    ?? states.FirstOrDefault(s => s.Archive is null) ?? states[0];
                return states.Where(s => !ReferenceEquals(s, load)).Aggregate(load, LocalPipeline.Merge);
            }
            return node.Deserialize<RunState>(Json.Options) ?? throw Bad();
        }
        catch (JsonException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"not a run state: {e.Message}");
        }
    }

    /// <summary>The input of a Distributed Map item or of the merge: <c>{"run": …, "piece": …}</c> / <c>{"run": …}</c>.</summary>
    public static T ParseSplit<T>(string json, string step)
    {
        var node = Parse(json);
        try
        {
            return node.Deserialize<T>(Json.Options) ?? throw Bad();
        }
        catch (JsonException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"not a {step} input: {e.Message}");
        }
    }

    /// <summary>
    /// The archive input: a run state, or <c>{"state": …, "part": N}</c> for one item of a split run's archive map.
    /// </summary>
    public static (RunState State, int? Part) ParseArchive(string json)
    {
        if (Parse(json) is JsonObject o && o["state"] is JsonObject && o["part"] is JsonValue)
        {
            if (!o["part"]!.AsValue().TryGetValue<int>(out var part)) throw new EtlException(ErrorType.InvalidInput, "archive: part must be a whole number");
            return (ParseState(o["state"]!.ToJsonString()), part);
        }
        return (ParseState(json), null);
    }

    /// <summary>
    /// The quarantine event: <c>{"input": &lt;the execution's state at the Catch&gt;, "executionName": ...}</c>
    /// as the state machine sends it (the input holds the original event, <c>error</c> and
    /// <c>failedState</c>), or the same fields at the top level.
    /// </summary>
    public static (string Bucket, string Key, string? ETag, FailureInfo Failure) ParseQuarantine(string json)
    {
        if (Parse(json) is not JsonObject outer) throw Bad();
        var o = outer["input"] as JsonObject ?? outer;
        string? bucket, key, etag;
        if (o["detail"] is JsonObject detail)
        {
            bucket = (string?)detail["bucket"]?["name"];
            key = (string?)detail["object"]?["key"];
            etag = (string?)detail["object"]?["etag"];
        }
        else
        {
            var src = o["source"] as JsonObject ?? o;
            bucket = (string?)src["bucket"];
            key = (string?)src["key"];
            etag = (string?)src["etag"] ?? (string?)src["eTag"];
        }
        if (bucket is null || key is null) throw new EtlException(ErrorType.InvalidInput, "quarantine needs the source bucket and key");
        var err = o["error"] as JsonObject;
        var failure = new FailureInfo(
            (string?)err?["Error"] ?? (string?)err?["error"] ?? "Unknown",
            (string?)err?["Cause"] ?? (string?)err?["cause"] ?? "",
            (string?)o["failedState"] ?? (string?)outer["failedState"],
            (string?)outer["executionName"] ?? (string?)o["executionName"]);
        return (bucket, key, etag, failure);
    }

    private static JsonNode Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json) ?? throw Bad();
        }
        catch (JsonException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"the event is not valid JSON: {e.Message}");
        }
    }

    private static EtlException Bad() => new(ErrorType.InvalidInput, "the event is not a run state");
}
