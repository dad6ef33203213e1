namespace EtlFunction.Database;

/// <summary>
/// Opens the processed file at once, so its GET (first byte included) runs while the loader checks the schema
/// and claims the run, instead of after (issue #13). The first <see cref="OpenAsync"/> hands over that stream;
/// any later one (the batched-INSERT fallback after a refused LOAD DATA) opens a fresh one. A stream never handed
/// over is disposed with this object, and its opening error, if any, is dropped: the load already failed for
/// another reason or never needed the file.
/// </summary>
internal sealed class EarlyOpen(Func<CancellationToken, Task<Stream>> open, CancellationToken ct) : IAsyncDisposable
{
    private readonly Task<Stream> _first = open(ct);
    private bool _taken;

    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (_taken) return open(cancellationToken);
        _taken = true;
        return _first;
    }

    public async ValueTask DisposeAsync()
    {
        if (_taken) return;
        _taken = true;
        try
        {
            await (await _first.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // not used: the load failed before it needed the file, or found the run already loaded
        }
    }
}
