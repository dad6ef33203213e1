using EtlFunction.Errors;

namespace EtlFunction.Storage;

/// <summary>
/// How to talk to an S3-compatible endpoint that does not accept what AWS SDK v4 sends by default.
/// </summary>
public enum S3Compatibility
{
    /// <summary>Amazon S3 itself (and anything that fully speaks its current API): SDK defaults.</summary>
    Standard,

    /// <summary>
    /// <c>ETL_S3_COMPAT=plain</c>: uploads go as plain bodies with a precomputed payload hash (no
    /// <c>aws-chunked</c> framing, no checksum trailers, checksums only where the API requires them), and
    /// <c>x-amz-copy-source</c> carries a literal <c>/</c> instead of <c>%2F</c>. For endpoints that would
    /// otherwise store the chunk framing as data (s3rver, older LocalStack, some MinIO/Ceph/R2 set-ups).
    /// </summary>
    Plain,
}

/// <summary>
/// Everything the S3 store needs, read once from the standard AWS environment plus three ETL settings,
/// so the binary behaves the same under the Lambda runtime, the CLI and the tests:
/// <list type="bullet">
/// <item><c>AWS_ENDPOINT_URL_S3</c> (or <c>AWS_ENDPOINT_URL</c>): a custom endpoint; path-style addressing is then used.</item>
/// <item><c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>); credentials from the SDK's default chain
/// (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, the Lambda role, profiles).</item>
/// <item><c>ETL_S3_SSE</c> = <c>AES256</c> | <c>aws:kms</c> (with optional <c>ETL_S3_SSE_KMS_KEY_ID</c>): server-side encryption on every write.</item>
/// <item><c>ETL_S3_COMPAT</c> = <c>standard</c> (default) | <c>plain</c>: see <see cref="S3Compatibility.Plain"/>.</item>
/// </list>
/// </summary>
public sealed record S3StoreOptions
{
    /// <summary>The smallest part S3 accepts (except for the last one).</summary>
    public const int MinPartSize = 5 << 20;

    /// <summary>A custom endpoint (LocalStack, MinIO, s3rver); null for AWS.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The signing region; null lets the SDK resolve it (a custom endpoint defaults to us-east-1).</summary>
    public string? Region { get; init; }

    /// <summary>Explicit credentials (tests, emulators); null uses the SDK's default credential chain.</summary>
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }

    public S3Compatibility Compatibility { get; init; } = S3Compatibility.Standard;

    /// <summary><c>AES256</c>, <c>aws:kms</c>, or null for the bucket's default encryption.</summary>
    public string? ServerSideEncryption { get; init; }
    public string? KmsKeyId { get; init; }

    /// <summary>
    /// The multipart part size: the unit of upload and of buffered memory (at most two parts per writer).
    /// S3's minimum, 5 MiB, by default: a step's peak memory stays low (the archive to S3 holds two parts
    /// beside two Parquet row groups), and 10,000 parts still allow objects of 48 GiB, beyond what one
    /// Lambda writes in its 15 minutes.
    /// </summary>
    public int PartSize { get; init; } = MinPartSize;

    /// <summary>Retries the SDK makes (standard retry mode, exponential backoff) before a failure surfaces as <see cref="ErrorType.TransientError"/>.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>Keys per ListObjectsV2 page (S3's maximum is 1000); smaller only to exercise paging in tests.</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>Reads the options from environment variables (the process environment by default).</summary>
    public static S3StoreOptions FromEnvironment(Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getenv(name) is { Length: > 0 } v ? v.Trim() : null;

        var endpoint = Get("AWS_ENDPOINT_URL_S3") ?? Get("AWS_ENDPOINT_URL");
        Uri? url = null;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out url))
        {
            throw new EtlException(ErrorType.InvalidInput, $"AWS_ENDPOINT_URL_S3 is not an absolute URL: '{endpoint}'");
        }
        return new S3StoreOptions
        {
            ServiceUrl = url,
            Region = Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION"),
            Compatibility = ParseCompatibility(Get("ETL_S3_COMPAT")),
            ServerSideEncryption = ParseSse(Get("ETL_S3_SSE")),
            KmsKeyId = Get("ETL_S3_SSE_KMS_KEY_ID"),
        }.Validated();
    }

    /// <summary>Checks the combination; throws <see cref="EtlException"/> (<see cref="ErrorType.InvalidInput"/>) naming the setting.</summary>
    public S3StoreOptions Validated()
    {
        if (PartSize < MinPartSize) throw Invalid($"the S3 part size must be at least {MinPartSize} bytes, not {PartSize}");
        if (MaxRetries < 0) throw Invalid("MaxRetries must not be negative");
        if (ListPageSize is < 1 or > 1000) throw Invalid("ListPageSize must be between 1 and 1000");
        if (KmsKeyId is not null && ServerSideEncryption != "aws:kms") throw Invalid("ETL_S3_SSE_KMS_KEY_ID needs ETL_S3_SSE=aws:kms");
        if ((AccessKey is null) != (SecretKey is null)) throw Invalid("give both an access key and a secret key, or neither");
        return this;
    }

    private static S3Compatibility ParseCompatibility(string? value) => value?.ToLowerInvariant() switch
    {
        null or "standard" => S3Compatibility.Standard,
        "plain" => S3Compatibility.Plain,
        _ => throw Invalid($"ETL_S3_COMPAT must be 'standard' or 'plain', not '{value}'"),
    };

    private static string? ParseSse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "none" => null,
        "aes256" => "AES256",
        "aws:kms" or "kms" => "aws:kms",
        _ => throw Invalid($"ETL_S3_SSE must be 'AES256' or 'aws:kms', not '{value}'"),
    };

    private static EtlException Invalid(string message) => new(ErrorType.InvalidInput, message);
}
