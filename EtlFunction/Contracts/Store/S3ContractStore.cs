using Amazon.S3.Model;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Contracts.Store;

/// <summary>
/// The contract store in S3: <c>s3://&lt;bucket&gt;/&lt;prefix&gt;&lt;dataset&gt;.yaml</c> (the stack's
/// <c>ContractsBucket</c>, prefix <c>_contracts/</c>, versioning on). A read returns the version id S3 sent
/// with the very body read (no HEAD-then-GET race with a publish); S3 says <c>null</c> for an object
/// written while versioning was off, and emulators without versioning send none: both become null.
/// Writes go through <see cref="S3ObjectStore"/>, so server-side encryption and <c>ETL_S3_COMPAT</c> apply.
/// </summary>
public sealed class S3ContractStore(S3ObjectStore s3, string bucket, string prefix) : IContractStore
{
    /// <summary>Contracts are small; a larger object is refused rather than read into memory.</summary>
    public const long MaxContractBytes = 1 << 20;

    public string Bucket { get; } = bucket;
    public string Prefix { get; } = prefix;

    public string LocationOf(string dataset) => $"s3://{Bucket}/{KeyOf(dataset)}";

    private string KeyOf(string dataset) => Prefix + dataset + ".yaml";

    public async Task<StoredContract?> GetAsync(string dataset, string? versionId = null, CancellationToken ct = default)
    {
        var key = KeyOf(dataset);
        var request = new GetObjectRequest { BucketName = Bucket, Key = key, VersionId = versionId };
        try
        {
            using var response = await S3Errors.Run("get contract", Bucket, key, () => s3.Client.GetObjectAsync(request, ct), ct).ConfigureAwait(false);
            if (response.ContentLength > MaxContractBytes)
            {
                throw new EtlException(ErrorType.ContractViolation, $"{LocationOf(dataset)} is {response.ContentLength} bytes; a contract may have at most {MaxContractBytes}");
            }
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            var version = response.VersionId is { Length: > 0 } v && v != "null" ? v : null;
            return new StoredContract(LocationOf(dataset), version, buffer.ToArray());
        }
        catch (FileNotFoundException) when (versionId is null)
        {
            return null;
        }
    }

    public async Task<StoredContract> PutAsync(string dataset, byte[] yaml, CancellationToken ct = default)
    {
        ObjectInfo info;
        await using (var writer = await s3.OpenWriteAsync(Bucket, KeyOf(dataset), ct).ConfigureAwait(false))
        {
            await writer.Stream.WriteAsync(yaml, ct).ConfigureAwait(false);
            info = await writer.CommitAsync(ct).ConfigureAwait(false);
        }
        var version = info.VersionId is { Length: > 0 } v && v != "null" ? v : null;
        return new StoredContract(LocationOf(dataset), version, yaml);
    }
}
