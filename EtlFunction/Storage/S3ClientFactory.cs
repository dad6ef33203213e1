using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;

namespace EtlFunction.Storage;

/// <summary>
/// Builds the one <see cref="AmazonS3Client"/> a process uses, from <see cref="S3StoreOptions"/>: path-style
/// addressing for custom endpoints, standard retry mode, and, only with <see cref="S3Compatibility.Plain"/>,
/// the settings and the pipeline step that S3-compatible endpoints without <c>aws-chunked</c> need.
/// </summary>
public static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxRetries,
        };
        if (options.ServiceUrl is not null)
        {
            // A custom endpoint replaces the region's endpoint; the region only names the signing scope.
            config.ServiceURL = options.ServiceUrl.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        if (options.Compatibility == S3Compatibility.Plain)
        {
            // No CRC trailers or checksum headers unless the operation demands them, and no checksum
            // validation that expects headers such endpoints do not send.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        var plain = options.Compatibility == S3Compatibility.Plain;
        return options.AccessKey is null
            ? new EtlS3Client(config, plain)
            : new EtlS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config, plain);
    }

    /// <summary>The S3 client with an optional pipeline step: per client, so it never leaks into other clients of the process.</summary>
    private sealed class EtlS3Client : AmazonS3Client
    {
        private bool _plain;

        public EtlS3Client(AmazonS3Config config, bool plain) : base(config) => Enable(plain);

        public EtlS3Client(AWSCredentials credentials, AmazonS3Config config, bool plain) : base(credentials, config) => Enable(plain);

        // The base constructor builds the pipeline before our fields are set, so the step is added here.
        private void Enable(bool plain)
        {
            _plain = plain;
            if (plain) RuntimePipeline.AddHandlerAfter<Marshaller>(new CopySourceLiteralHandler());
        }

        public override string ToString() => _plain ? "S3 client (plain)" : "S3 client";
    }
}

/// <summary>
/// SDK v4 percent-encodes the key in <c>x-amz-copy-source</c> (<c>bucket/dir%2Fa%2Bb.csv</c>). Amazon S3
/// decodes all of it, but some S3-compatible servers decode it like a URL path (JavaScript's
/// <c>decodeURI</c> in s3rver), which leaves <c>%2F</c>, <c>%2B</c>, <c>%3D</c>... undecoded: the source is
/// then "NoSuchBucket" or "NoSuchKey". This step runs after the marshaller and before signing, and writes
/// the characters such a decoder keeps encoded (<c>/ + = &amp; : @ , ; $ #</c>) literally; everything
/// else (spaces, non-ASCII, <c>%</c> itself, <c>?</c> which starts a version id) stays encoded.
/// </summary>
internal sealed class CopySourceLiteralHandler : PipelineHandler
{
    private const string Header = "x-amz-copy-source";

    public override void InvokeSync(IExecutionContext executionContext)
    {
        Apply(executionContext);
        base.InvokeSync(executionContext);
    }

    public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Apply(executionContext);
        return base.InvokeAsync<T>(executionContext);
    }

    /// <summary>The header value with the path-reserved escapes written as literal characters.</summary>
    public static string Rewrite(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal)) return value;
        var sb = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Literal(value.AsSpan(i + 1, 2)) is { } c)
            {
                sb.Append(c);
                i += 2;
            }
            else
            {
                sb.Append(value[i]);
            }
        }
        return sb.ToString();
    }

    private static char? Literal(ReadOnlySpan<char> hex) =>
        int.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code)
        && "/+=&:@,;$#".Contains((char)code, StringComparison.Ordinal)
            ? (char)code
            : null;

    private static void Apply(IExecutionContext executionContext)
    {
        if (executionContext.RequestContext.OriginalRequest is not (CopyObjectRequest or CopyPartRequest)) return;
        var headers = executionContext.RequestContext.Request.Headers;
        if (headers.TryGetValue(Header, out var value)) headers[Header] = Rewrite(value);
    }
}
