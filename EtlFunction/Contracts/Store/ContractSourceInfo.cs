using System.Security.Cryptography;
using System.Text;

namespace EtlFunction.Contracts.Store;

/// <summary>
/// Which contract a run used: where it was read (a store object, or a file of the image's folder), the
/// store's version id (null where the store keeps no versions: a folder, an unversioned bucket, s3rver),
/// and the SHA-256 of the exact bytes read. Recorded in the run state, the manifest and the ledger, so
/// a row can be traced to the contract text that accepted it even after the store moved on.
/// </summary>
public sealed record ContractSourceInfo(string Location, string? VersionId, string Sha256)
{
    /// <summary>Lower-case hex SHA-256 of the bytes.</summary>
    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The UTF-8 text of contract bytes (a leading BOM dropped).</summary>
    public static string TextOf(byte[] bytes) => new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
}

/// <summary>A contract found for a dataset, with where it came from (null when it was inferred).</summary>
public sealed record ResolvedContract(DatasetContract Contract, ContractSourceInfo? Source);

/// <summary>One stored contract as a store returned it: its text's bytes, where, and which version.</summary>
public sealed record StoredContract(string Location, string? VersionId, byte[] Bytes)
{
    public ContractSourceInfo SourceInfo => new(Location, VersionId, ContractSourceInfo.HashOf(Bytes));
}
