using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Contracts.Store;

/// <summary>
/// Reads a contract store setting (<c>ETL_CONTRACT_STORE</c>, CLI <c>--contract-store</c>):
/// <c>s3://bucket/prefix/</c> for S3 (the prefix defaults to <c>_contracts/</c> and always ends in
/// <c>/</c>), anything else is a local folder.
/// </summary>
public static class ContractStoreLocation
{
    public const string DefaultPrefix = "_contracts/";

    /// <param name="setting">The setting's value.</param>
    /// <param name="s3">The S3 store to use for an <c>s3://</c> location (created only when needed).</param>
    public static IContractStore Open(string setting, Func<S3ObjectStore> s3)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(s3);
        if (TryParseS3(setting, out var bucket, out var prefix)) return new S3ContractStore(s3(), bucket, prefix);
        return new FolderContractStore(setting);
    }

    /// <summary>Splits <c>s3://bucket/prefix</c>; false for anything that is not an <c>s3://</c> address.</summary>
    public static bool TryParseS3(string setting, out string bucket, out string prefix)
    {
        (bucket, prefix) = ("", "");
        if (!setting.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = setting["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        bucket = slash < 0 ? rest : rest[..slash];
        prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0) throw new EtlException(ErrorType.InvalidInput, $"contract store '{setting}' names no bucket (expected s3://bucket/_contracts/)");
        if (prefix.Length == 0) prefix = DefaultPrefix;
        if (!prefix.EndsWith('/')) prefix += "/";
        return true;
    }
}
