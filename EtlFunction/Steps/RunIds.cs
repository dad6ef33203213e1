using System.Security.Cryptography;
using System.Text;
using EtlFunction.Contracts;

namespace EtlFunction.Steps;

/// <summary>
/// Derives the run id and dataset from the source object. The run id is a hash of (bucket, key,
/// ETag or version id): a retried or re-delivered file maps to the same run, the same output keys
/// and the same ledger row, so nothing is loaded twice; a changed object gets a new run.
/// </summary>
public static class RunIds
{
    public static string For(string bucket, string key, string etagOrVersion)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{bucket}\n{key}\n{etagOrVersion.Trim('"')}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>The dataset of a landing key: its first path segment (<c>orders/2024/x.csv</c> → <c>orders</c>), made a safe identifier.</summary>
    public static string DatasetOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var first = slash > 0 ? key[..slash] : StemOf(key);
        return Identifiers.ToSafe(first, 1, new HashSet<string>());
    }

    /// <summary>The file name without directory and without <c>.csv</c>/<c>.gz</c>/<c>.txt</c> extensions.</summary>
    public static string StemOf(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var ext in new[] { ".gz", ".csv", ".tsv", ".txt" })
        {
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) name = name[..^ext.Length];
        }
        return name;
    }
}
