using EtlFunction.Errors;

namespace EtlFunction.Storage;

/// <summary>
/// The bucket and key rules every event and every store shares: a bucket is one non-empty path segment, a key is
/// non-empty, relative, and has no <c>.</c> or <c>..</c> segment as written or percent-decoded (S3 event keys are
/// form-encoded, so <c>%2e%2e/x.csv</c> is <c>../x.csv</c> once the preprocess step decodes it). A key that breaks
/// them could name a file outside the bucket's folder; it is refused as <see cref="ErrorType.InvalidInput"/>, a bad
/// event, not an internal error.
/// </summary>
public static class ObjectKeys
{
    public static void Check(string bucket, string key, string what)
    {
        CheckSegment(bucket, $"{what}: bucket");
        if (string.IsNullOrEmpty(key)) throw Invalid($"{what}: the key is empty");
        if (Escapes(key) || Escapes(Decoded(key))) throw Invalid($"{what}: key '{key}' escapes the bucket (absolute, '.' or '..' segment, backslash or NUL)");
    }

    /// <summary>One path segment: a bucket name, a dataset name.</summary>
    public static void CheckSegment(string name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw Invalid($"{what} is empty");
        if (name is "." or ".." || name.AsSpan().IndexOfAny('/', '\\', '\0') >= 0) throw Invalid($"{what} '{name}' is not a single path segment");
    }

    private static bool Escapes(string key) =>
        key[0] == '/' || key.AsSpan().IndexOfAny('\\', '\0') >= 0 || key.Split('/').Any(s => s is "." or "..");

    private static string Decoded(string key)
    {
        try
        {
            return Uri.UnescapeDataString(key.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return key;
        }
    }

    private static EtlException Invalid(string message) => new(ErrorType.InvalidInput, message);
}
