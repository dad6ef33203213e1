namespace EtlFunction.Steps;

/// <summary>
/// The three buckets of the pipeline and the key layout inside them. One place defines every
/// key, so the CLI, the Lambda handlers, the manifest and the docs agree.
/// </summary>
public sealed record Buckets(string Landing, string Processed, string Archive)
{
    public static Buckets Local { get; } = new("landing", "processed", "archive");

    public static string ProcessedKey(string dataset, string runId) => PartKey(dataset, runId, 0);
    /// <summary>The processed CSV of one piece of a split run (piece 0 is where the single path writes its one file).</summary>
    public static string PartKey(string dataset, string runId, int part) => $"{dataset}/{runId}/part-{part:D5}.csv";
    /// <summary>The working files of one piece of a split run (rejects, key log, counts, dropped rows, archive list): <c>…/pieces/part-NNNNN.&lt;suffix&gt;</c>.</summary>
    public static string PieceKey(string dataset, string runId, int part, string suffix) => $"{dataset}/{runId}/pieces/part-{part:D5}.{suffix}";
    /// <summary>The list of a split run's parts with their dropped rows, written by the merge step.</summary>
    public static string PartListKey(string dataset, string runId) => $"{dataset}/{runId}/parts.json";
    public static string ContractKey(string dataset, string runId) => $"{dataset}/{runId}/contract.yaml";
    public static string RejectsKey(string dataset, string runId) => $"_rejects/{dataset}/{runId}.csv";
    public static string ArchiveKey(string dataset, string dt, string runId, int part) =>
        ArchiveFolder(dataset, dt) + (part == 0 ? $"{runId}.parquet" : $"{runId}-{part:D5}.parquet");
    /// <summary>The folder of one archive partition, ending in <c>/</c>.</summary>
    public static string ArchiveFolder(string dataset, string dt) => $"{dataset}/dt={dt}/";
    /// <summary>Whether a file name in an archive folder is one of <paramref name="runId"/>'s Parquet files (any part).</summary>
    public static bool IsArchiveFileOf(string fileName, string runId) =>
        fileName == runId + ".parquet" || (fileName.StartsWith(runId + "-", StringComparison.Ordinal) && fileName.EndsWith(".parquet", StringComparison.Ordinal));
    public static string ManifestKey(string dataset, string runId) => $"_manifests/{dataset}/{runId}.json";
    public static string FailedPrefix(string runId) => $"_failed/{runId}/";
    /// <summary>Where the stack's Athena workgroup writes query results in the archive bucket (expired by its lifecycle rule).</summary>
    public const string AthenaResultsPrefix = "_athena-results/";

    /// <summary>
    /// Whether a dataset name begins with <c>_</c>, as the buckets' own top-level prefixes do (<c>_manifests/</c>,
    /// <c>_rejects/</c>, <c>_failed/</c>, <see cref="AthenaResultsPrefix"/>): such a dataset's files would land among
    /// them (and expire with the Athena results). <see cref="RunIds.DatasetOf"/> never makes one.
    /// </summary>
    public static bool IsReservedDataset(string dataset) => dataset.StartsWith('_');
}
