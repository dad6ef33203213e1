namespace EtlFunction.Cleaning;

/// <summary>
/// Cleans records on worker threads while the calling thread reads the CSV and consumes outcomes
/// in file order. Records travel in recycled <see cref="RecordBatch"/>es, at most
/// <c>2 × workers + 1</c> in flight, so memory is a few MiB whatever the file size (Sep's own
/// ParallelEnumerate buffered hundreds of MiB here). With one core it runs inline.
/// </summary>
internal static class RecordPipeline
{
    public static void Run(Utf8RecordReader reader, int workers, Func<RowWorker> createWorker, Action<RowOutcome> consume, Action? batchDone, CancellationToken ct)
    {
        if (workers <= 1)
        {
            using var worker = createWorker();
            var batch = new RecordBatch();
            while (reader.TryNext(out var record))
            {
                if (batch.TryAdd(record, reader.Line)) continue;
                CleanInline(batch, worker, consume, batchDone, ct);
                batch.TryAdd(record, reader.Line);
            }
            CleanInline(batch, worker, consume, batchDone, ct);
            return;
        }

        var maxInFlight = workers * 2 + 1;
        var queue = new WorkQueue();
        var inFlight = new Queue<RecordBatch>();
        var free = new Stack<RecordBatch>();
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() => Work(queue, createWorker))
        {
            IsBackground = true,
            Name = "etl-clean",
        }).ToList();
        threads.ForEach(t => t.Start());
        try
        {
            var current = Rent();
            while (reader.TryNext(out var record))
            {
                if (current.TryAdd(record, reader.Line)) continue;
                Submit(current);
                current = Rent();
                current.TryAdd(record, reader.Line);
            }
            Submit(current);
            while (inFlight.Count > 0) ConsumeOldest();
        }
        finally
        {
            queue.Complete();
            threads.ForEach(t => t.Join());
        }

        RecordBatch Rent()
        {
            while (inFlight.Count >= maxInFlight) ConsumeOldest();
            if (free.TryPop(out var b)) return b;
            return new RecordBatch();
        }

        void Submit(RecordBatch b)
        {
            if (b.Count == 0)
            {
                free.Push(b);
                return;
            }
            ct.ThrowIfCancellationRequested();
            inFlight.Enqueue(b);
            queue.Add(b);
        }

        void ConsumeOldest()
        {
            var b = inFlight.Dequeue();
            b.Done.Wait(ct);
            if (b.Error is { } e) throw new AggregateException("cleaning a batch of records failed", e);
            for (var i = 0; i < b.Count; i++) consume(b.Outcomes[i]);
            batchDone?.Invoke();
            b.Reset();
            free.Push(b);
        }
    }

    private static void CleanInline(RecordBatch b, RowWorker worker, Action<RowOutcome> consume, Action? batchDone, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        for (var i = 0; i < b.Count; i++)
        {
            worker.Clean(b.Bytes(i), b.Line(i), b.Outcomes[i]);
            consume(b.Outcomes[i]);
        }
        batchDone?.Invoke();
        b.Reset();
    }

    private static void Work(WorkQueue queue, Func<RowWorker> createWorker)
    {
        using var worker = createWorker();
        while (queue.Take() is { } b)
        {
            try
            {
                for (var i = 0; i < b.Count; i++) worker.Clean(b.Bytes(i), b.Line(i), b.Outcomes[i]);
            }
            catch (Exception e)
            {
                b.Error = e;
            }
            finally
            {
                b.Done.Set();
            }
        }
    }

    /// <summary>
    /// The batches waiting for a worker. Blocks without spinning (a plain monitor): with more busy
    /// threads than cores — reader, writer and workers on a 2-vCPU Lambda — a spinning waiter takes
    /// the core from the thread it waits for. Bounded by the caller (at most <c>2 × workers + 1</c> batches in flight).
    /// </summary>
    private sealed class WorkQueue
    {
        private readonly Queue<RecordBatch> _items = new();
        private bool _complete;

        public void Add(RecordBatch b)
        {
            lock (_items)
            {
                _items.Enqueue(b);
                Monitor.Pulse(_items);
            }
        }

        public void Complete()
        {
            lock (_items)
            {
                _complete = true;
                Monitor.PulseAll(_items);
            }
        }

        /// <summary>The next batch, or null when the queue is complete and empty.</summary>
        public RecordBatch? Take()
        {
            lock (_items)
            {
                while (_items.Count == 0)
                {
                    if (_complete) return null;
                    Monitor.Wait(_items);
                }
                return _items.Dequeue();
            }
        }
    }
}
