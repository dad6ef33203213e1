namespace EtlFunction.Steps;

/// <summary>
/// The three buckets of the pipeline and the key layout inside them. One place defines every
/// key, so the CLI, the Lambda handlers, the manifest and the docs agree.
/// </summary>
public sealed record Buckets(string Landing, string Processed, string Archive)
{
    public static Buckets Local { get; } = new("landing", "processed", "archive");

    public static string ProcessedKey(string dataset, string runId) => $"{dataset}/{runId}/part-00000.csv";
    public static string ContractKey(string dataset, string runId) => $"{dataset}/{runId}/contract.yaml";
    public static string RejectsKey(string dataset, string runId) => $"_rejects/{dataset}/{runId}.csv";
    public static string ArchiveKey(string dataset, string dt, string runId, int part) =>
        part == 0 ? $"{dataset}/dt={dt}/{runId}.parquet" : $"{dataset}/dt={dt}/{runId}-{part:D5}.parquet";
    public static string ManifestKey(string dataset, string runId) => $"_manifests/{dataset}/{runId}.json";
    public static string FailedPrefix(string runId) => $"_failed/{runId}/";
}
