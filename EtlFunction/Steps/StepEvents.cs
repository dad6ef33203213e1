using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Errors;
using EtlFunction.Storage;

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
            var dataset = Text(o["dataset"]);
            if (o["detail"] is JsonObject detail)
            {
                var bucket = Text(detail["bucket"]?["name"]);
                var key = Text(detail["object"]?["key"]);
                if (bucket is not null && key is not null) return Checked(new PreprocessInput(bucket, key, dataset));
            }
            if (Text(o["bucket"]) is { } b && Text(o["key"]) is { } k) return Checked(new PreprocessInput(b, k, dataset));
            if (o["source"] is JsonObject src && Text(src["bucket"]) is { } sb && Text(src["key"]) is { } sk) return Checked(new PreprocessInput(sb, sk, dataset));
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
                var states = arr.Select(n => n.Deserialize(Json.Context.RunState) ?? throw Bad()).ToList();
                if (states.Count == 0) throw Bad();
                // The load branch's state carries the load fields, the other branch the archive (a split run's
                // archive branch returns the merge state: its files are listed beside the parts).
                var load = states.FirstOrDefault(s => s.RowsLoaded is not null || s.AlreadyLoaded is not null)
                    ?? states.FirstOrDefault(s => s.Archive is null) ?? states[0];
                return states.Where(s => !ReferenceEquals(s, load)).Aggregate(load, LocalPipeline.Merge);
            }
            return node.Deserialize(Json.Context.RunState) ?? throw Bad();
        }
        catch (JsonException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"not a run state: {e.Message}");
        }
    }

    /// <summary>The input of a Distributed Map item or of the merge: <c>{"run": …, "piece": …}</c> / <c>{"run": …}</c>.</summary>
    public static T ParseSplit<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string step)
    {
        var node = Parse(json);
        try
        {
            return node.Deserialize(type) ?? throw Bad();
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
            bucket = Text(detail["bucket"]?["name"]);
            key = Text(detail["object"]?["key"]);
            etag = Text(detail["object"]?["etag"]);
        }
        else
        {
            var src = o["source"] as JsonObject ?? o;
            bucket = Text(src["bucket"]);
            key = Text(src["key"]);
            etag = Text(src["etag"]) ?? Text(src["eTag"]);
        }
        if (bucket is null || key is null) throw new EtlException(ErrorType.InvalidInput, "quarantine needs the source bucket and key");
        ObjectKeys.Check(bucket, key, "quarantine");
        var err = o["error"] as JsonObject;
        var failure = new FailureInfo(
            Text(err?["Error"]) ?? Text(err?["error"]) ?? "Unknown",
            Text(err?["Cause"]) ?? Text(err?["cause"]) ?? "",
            Text(o["failedState"]) ?? Text(outer["failedState"]),
            Text(outer["executionName"]) ?? Text(o["executionName"]));
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

    private static PreprocessInput Checked(PreprocessInput input)
    {
        ObjectKeys.Check(input.Bucket, input.Key, "preprocess");
        if (input.Dataset is { } d)
        {
            ObjectKeys.CheckSegment(d, "preprocess: dataset");
            if (Buckets.IsReservedDataset(d)) throw new EtlException(ErrorType.InvalidInput, $"preprocess: dataset '{d}' begins with '_', as the buckets' own prefixes do (_manifests/, _rejects/, _failed/, {Buckets.AthenaResultsPrefix})");
        }
        return input;
    }

    /// <summary>
    /// A field that must be a string when present: <c>(string?)node</c> throws <see cref="InvalidOperationException"/>
    /// for a number or an object (an InternalError), so a wrong shape is InvalidInput here instead.
    /// </summary>
    private static string? Text(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new EtlException(ErrorType.InvalidInput, $"the event field '{node.GetPath()}' must be a string, not {node.GetValueKind()}");
    }

    private static EtlException Bad() => new(ErrorType.InvalidInput, "the event is not a run state");
}
