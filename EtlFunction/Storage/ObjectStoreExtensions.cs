using System.Text;

namespace EtlFunction.Storage;

/// <summary>Small conveniences over <see cref="IObjectStore"/> for small objects (manifests, contracts, error documents).</summary>
public static class ObjectStoreExtensions
{
    public static async Task<ObjectInfo> PutTextAsync(this IObjectStore store, string bucket, string key, string text, CancellationToken ct = default)
    {
        await using var w = await store.OpenWriteAsync(bucket, key, ct).ConfigureAwait(false);
        var bytes = Encoding.UTF8.GetBytes(text);
        await w.Stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        return await w.CommitAsync(ct).ConfigureAwait(false);
    }

    public static async Task<string> GetTextAsync(this IObjectStore store, string bucket, string key, CancellationToken ct = default)
    {
        await using var s = await store.OpenReadAsync(bucket, key, ct).ConfigureAwait(false);
        using var r = new StreamReader(s, Encoding.UTF8);
        return await r.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The object's text, or null when there is no such object: one GET where a HEAD and a GET would be two.</summary>
    public static async Task<string?> TryGetTextAsync(this IObjectStore store, string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            return await store.GetTextAsync(bucket, key, ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Streams a local file into the store (bounded memory whatever its size).</summary>
    public static async Task<ObjectInfo> PutFileAsync(this IObjectStore store, string bucket, string key, string path, CancellationToken ct = default)
    {
        await using var w = await store.OpenWriteAsync(bucket, key, ct).ConfigureAwait(false);
        await using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            await f.CopyToAsync(w.Stream, 1 << 20, ct).ConfigureAwait(false);
        }
        return await w.CommitAsync(ct).ConfigureAwait(false);
    }
}
