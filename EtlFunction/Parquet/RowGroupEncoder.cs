namespace EtlFunction.Parquet;

/// <summary>
/// Encodes full row groups on a second thread while the caller's thread parses and buffers the next
/// one (double buffering): reading the processed CSV and encoding Parquet cost about the same, and
/// one after the other on one thread the archive used one core of two. At most one row group is in
/// flight, so memory stays at two row groups of column buffers however large the file.
/// </summary>
/// <remarks>
/// The columns of one row group are still written one after the other: ParquetSharp can write them in
/// parallel only into a buffered row group (<c>AppendBufferedRowGroup</c>), which keeps every column's
/// writer and pages until the row group is closed. Measured on the reference file, that raised the
/// peak by ~30 MiB, and by 70-85 MiB with the columns on two threads, for a gain limited to the last
/// row group: the caller's thread, parsing, already keeps the second core busy.
/// ParquetSharp is called for a file either here, while that file's row group is in flight, or on
/// the caller's thread after <see cref="Drain"/>; never from both at once.
/// </remarks>
internal sealed class RowGroupEncoder(ParquetLayout layout) : IDisposable
{
    private Task<ColumnBuffer[]>? _inFlight;

    /// <summary>
    /// Waits for the row group in flight (rethrowing its failure), starts <paramref name="writer"/>
    /// on <paramref name="buffers"/> (it writes them as its file's next row group) on the encoder's
    /// thread, and returns empty buffers to fill next: the previous row group's, or a new set.
    /// </summary>
    public ColumnBuffer[] Submit(Action<ColumnBuffer[]> writer, ColumnBuffer[] buffers)
    {
        var spare = Drain() ?? layout.CreateBuffers();
        // A thread of its own, not the pool's: the caller's thread (often a pool thread) is busy
        // parsing, and on a 2-core machine the pool would add a worker only after a delay.
        _inFlight = Task.Factory.StartNew(() => Encode(writer, buffers),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return spare;
    }

    /// <summary>Waits for the row group in flight and returns its emptied buffers; null when none was in flight.</summary>
    public ColumnBuffer[]? Drain()
    {
        if (_inFlight is not { } task) return null;
        _inFlight = null;
        return task.GetAwaiter().GetResult();
    }

    private static ColumnBuffer[] Encode(Action<ColumnBuffer[]> writer, ColumnBuffer[] buffers)
    {
        try
        {
            writer(buffers);
        }
        finally
        {
            foreach (var b in buffers) b.Clear();
        }
        return buffers;
    }

    /// <summary>
    /// Waits for the row group in flight without rethrowing (a failure is reported by
    /// <see cref="Submit"/> or <see cref="Drain"/>): the files must not be freed while it writes.
    /// </summary>
    public void Dispose()
    {
        if (_inFlight is not { } task) return;
        _inFlight = null;
        Task.WaitAny(task);
        _ = task.Exception;
    }
}
