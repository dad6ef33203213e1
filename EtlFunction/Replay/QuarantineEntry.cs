using System.Text.Json;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Replay;

/// <summary>
/// One quarantined run as <see cref="QuarantineStep"/> left it in <c>_failed/&lt;runId&gt;/</c> of the processed
/// bucket: the <c>error.json</c> (where the source lay, what failed, when), the source copy beside it (absent
/// when the source was already gone at quarantine time), and the marker of the last replay, if any.
/// </summary>
public sealed record QuarantineEntry(
    string RunId,
    string SourceBucket,
    string SourceKey,
    string Error,
    DateTimeOffset QuarantinedAt,
    string? CopyKey,
    ReplayMarker? Marker)
{
    public const string ErrorFile = "error.json";
    public const string MarkerFile = "replayed.json";

    /// <summary>The dataset the pipeline derives from the landing key (its first segment), as <c>run --dataset</c> lands it.</summary>
    public string Dataset => RunIds.DatasetOf(SourceKey);

    public static string ErrorKey(string runId) => Buckets.FailedPrefix(runId) + ErrorFile;
    public static string MarkerKey(string runId) => Buckets.FailedPrefix(runId) + MarkerFile;

    /// <summary>
    /// Reads one <c>_failed/&lt;runId&gt;/</c> folder from its listing; null when it holds no readable
    /// <c>error.json</c> (with the reason as the problem).
    /// </summary>
    public static async Task<(QuarantineEntry? Entry, string? Problem)> ReadAsync(IObjectStore store, string processedBucket, string runId,
        IReadOnlyList<ObjectInfo> files, CancellationToken ct)
    {
        var prefix = Buckets.FailedPrefix(runId);
        var errorText = await store.TryGetTextAsync(processedBucket, prefix + ErrorFile, ct).ConfigureAwait(false);
        if (errorText is null) return (null, $"no {ErrorFile} in {prefix}");
        ErrorDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(errorText, Json.Context.ErrorDocument);
        }
        catch (JsonException e)
        {
            return (null, $"{prefix}{ErrorFile} is not valid JSON: {e.Message}");
        }
        if (doc?.Source is not { Bucket.Length: > 0, Key.Length: > 0 } source) return (null, $"{prefix}{ErrorFile} names no source bucket and key");

        ReplayMarker? marker = null;
        if (await store.TryGetTextAsync(processedBucket, prefix + MarkerFile, ct).ConfigureAwait(false) is { } markerText)
        {
            try
            {
                marker = JsonSerializer.Deserialize(markerText, Json.Context.ReplayMarker);
            }
            catch (JsonException)
            {
                marker = null; // an unreadable marker does not block a replay: the ledger still keeps loads exactly-once
            }
        }
        // The copy is the one object of the folder that is neither error.json nor the marker (quarantine names it after the source file).
        var copyName = Path.GetFileName(source.Key);
        var copy = files.FirstOrDefault(f => f.Key == prefix + copyName)?.Key
            ?? files.FirstOrDefault(f => f.Key != prefix + ErrorFile && f.Key != prefix + MarkerFile)?.Key;
        return (new QuarantineEntry(runId, source.Bucket, source.Key, doc.Error ?? "unknown", doc.QuarantinedAt, copy, marker), null);
    }

    /// <summary>The part of <c>error.json</c> a replay needs.</summary>
    internal sealed record ErrorDocument(string? RunId, SourceDocument? Source, string? Error, DateTimeOffset QuarantinedAt);

    internal sealed record SourceDocument(string? Bucket, string? Key, string? Etag);
}

/// <summary>
/// <c>_failed/&lt;runId&gt;/replayed.json</c>: that the quarantine of <see cref="QuarantinedAt"/> was replayed, when and
/// to where. A second replay of the same quarantine does nothing (unless forced); a run that fails again is
/// quarantined anew (a newer <c>quarantinedAt</c> in <c>error.json</c>), which makes it replayable again.
/// </summary>
public sealed record ReplayMarker(string RunId, DateTimeOffset QuarantinedAt, DateTimeOffset ReplayedAt, string Bucket, string Key, string Action, bool Forced);
