using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using EtlFunction.Errors;
using ErrorType = EtlFunction.Errors.ErrorType;

namespace EtlFunction.Storage;

/// <summary>
/// Turns what the SDK throws (after its own retries) into the pipeline's typed errors, so Step Functions
/// retries what may pass and quarantines what will not:
/// <list type="bullet">
/// <item>throttling, 5xx, 408/429, timeouts, connection resets, broken streams → <see cref="ErrorType.TransientError"/>;</item>
/// <item>access denied, no such bucket, invalid requests (a bad KMS key, a malformed name) → <see cref="ErrorType.InvalidInput"/>:
/// the same request will fail again, a human must fix the input or the configuration;</item>
/// <item>a missing key on read → <see cref="FileNotFoundException"/>, as with the folder store.</item>
/// </list>
/// Cancellation by the caller's token is passed through untouched.
/// </summary>
internal static class S3Errors
{
    public static async Task<T> Run<T>(string what, string bucket, string key, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e, what, bucket, key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public static async Task Run(string what, string bucket, string key, Func<Task> call, CancellationToken ct)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e, what, bucket, key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>
    /// The typed exception for <paramref name="e"/>, or null to let it pass (cancellation, already typed).
    /// While <paramref name="reading"/> a body, any client-side failure (a reset, the SDK's content hash
    /// check failing on damaged bytes) is transient: reading the object again can succeed.
    /// </summary>
    public static Exception? Map(Exception e, string what, string bucket, string key, CancellationToken ct, bool reading = false)
    {
        if (e is EtlException or FileNotFoundException) return null;
        if (e is OperationCanceledException && ct.IsCancellationRequested) return null;
        var where = $"s3://{bucket}/{key}";
        if (e is AmazonS3Exception s3)
        {
            if (s3.ErrorCode == "NoSuchKey") return new FileNotFoundException($"no object {bucket}/{key}", where, e);
            var text = $"S3 {what} {where} failed: {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}";
            return IsTransient(s3)
                ? new EtlException(ErrorType.TransientError, text, e)
                : new EtlException(ErrorType.InvalidInput, text, e);
        }
        if (IsTransient(e) || (reading && e is AmazonClientException)) return new EtlException(ErrorType.TransientError, $"S3 {what} {where} failed: {e.Message}", e);
        if (e is AmazonClientException) return new EtlException(ErrorType.InternalError, $"S3 {what} {where} failed: {e.Message}", e);
        return null;
    }

    private static bool IsTransient(AmazonServiceException s3)
    {
        var status = (int)s3.StatusCode;
        return status >= 500 || status is 408 or 429
            || s3.ErrorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "RequestTimeTooSkewed" or "InternalError"
            || (status == 0 && IsTransient(s3.InnerException));
    }

    private static bool IsTransient(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or IOException or SocketException or TimeoutException or WebException or OperationCanceledException) return true;
        }
        return false;
    }
}
