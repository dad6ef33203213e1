namespace EtlFunction.Contracts.Store;

/// <summary>
/// The contract store: one <c>&lt;dataset&gt;.yaml</c> per dataset under a prefix (an S3 bucket's
/// <c>_contracts/</c> with versioning on, or a local folder). Publishing a contract there changes the next
/// run without a new image. An I/O seam: S3, a folder, and the tests' versioned fake.
/// </summary>
public interface IContractStore
{
    /// <summary>Where a dataset's contract lives, e.g. <c>s3://bucket/_contracts/orders.yaml</c>.</summary>
    string LocationOf(string dataset);

    /// <summary>The current contract of a dataset (a given version when <paramref name="versionId"/> is set); null when the store has none.</summary>
    Task<StoredContract?> GetAsync(string dataset, string? versionId = null, CancellationToken ct = default);

    /// <summary>Stores a new current contract for the dataset and returns what the store recorded (its version id).</summary>
    Task<StoredContract> PutAsync(string dataset, byte[] yaml, CancellationToken ct = default);
}
