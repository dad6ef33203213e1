using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text.Json;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// The processed rows of a run as one canonical CSV stream, whichever path made them: the single
/// path's one object, or a split run's parts in file order (one header) without the rows the merge
/// dropped — all of them for load, one part for an archive map item. The parts are read through a
/// bounded pipe (a few MiB), so a load of any number of parts streams in constant memory.
/// </summary>
internal static class ProcessedInput
{
    public static async Task<Stream> OpenAsync(StepContext ctx, RunState state, int? part, CancellationToken ct) =>
        (await OpenCountedAsync(ctx, state, part, ct).ConfigureAwait(false)).Stream;

    /// <summary>The stream, and the rows it holds (for the caller's own count check).</summary>
    public static async Task<(Stream Stream, long Rows)> OpenCountedAsync(StepContext ctx, RunState state, int? part, CancellationToken ct)
    {
        if (state.Parts is not { } listRef)
        {
            if (part is > 0) throw new EtlException(ErrorType.InvalidInput, $"part {part} asked of a run that was not split");
            var processed = StepSupport.RequireProcessed(state);
            return (await StepSupport.ReadNamedAsync(ctx, processed, "processed output", () => ctx.Store.OpenReadAsync(processed.Bucket, processed.Key, ct)).ConfigureAwait(false), state.RowsWritten);
        }
        var list = await ReadPartListAsync(ctx, listRef, ct).ConfigureAwait(false);
        IReadOnlyList<PartRef> selected = list.Parts;
        if (part is { } i)
        {
            if (i < 0 || i >= list.Parts.Count) throw new EtlException(ErrorType.InvalidInput, $"part {i} is not one of the run's {list.Parts.Count} parts");
            selected = [list.Parts[i]];
        }

        var pipe = BoundedPipe.Create();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await using var output = pipe.Writer.AsStream(leaveOpen: true);
                var first = true;
                foreach (var p in selected)
                {
                    var drops = p.Drops is { } d ? await ReadDropsAsync(ctx, d, stop.Token).ConfigureAwait(false) : [];
                    await using var input = await ctx.Store.OpenReadAsync(p.Processed.Bucket, p.Processed.Key, stop.Token).ConfigureAwait(false);
                    CopyPart(p, input, output, first, drops, stop.Token);
                    first = false;
                }
            }
            catch (Exception e)
            {
                error = e;
            }
            await pipe.Writer.CompleteAsync(error).ConfigureAwait(false);
        }, CancellationToken.None);
        return (new PartsStream(pipe.Reader, producer, stop), selected.Sum(p => p.Rows - p.Dropped));
    }

    private static async Task<PartList> ReadPartListAsync(StepContext ctx, ObjectRef listRef, CancellationToken ct)
    {
        var text = await StepSupport.ReadNamedAsync(ctx, listRef, "part list", () => ctx.Store.GetTextAsync(listRef.Bucket, listRef.Key, ct)).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(text, Json.Context.PartList)
                ?? throw new EtlException(ErrorType.InvalidInput, $"the part list {ctx.Store.Describe(listRef.Bucket, listRef.Key)} is empty");
        }
        catch (JsonException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"{ctx.Store.Describe(listRef.Bucket, listRef.Key)} is not a part list: {e.Message}", e);
        }
    }

    /// <summary>Copies one part's records (its header only when <paramref name="first"/>) without the dropped ordinals, and checks the count.</summary>
    private static void CopyPart(PartRef part, Stream input, Stream output, bool first, long[] drops, CancellationToken ct)
    {
        var scanner = new CanonicalRecordScanner(input);
        if (scanner.TryNext(out var header) && first) output.Write(header);
        long ordinal = 0, written = 0;
        var next = 0;
        while (scanner.TryNext(out var record))
        {
            if (next < drops.Length && drops[next] == ordinal)
            {
                next++;
                ordinal++;
                continue;
            }
            output.Write(record);
            ordinal++;
            if ((++written & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
        }
        if (ordinal != part.Rows || next != drops.Length)
        {
            throw new EtlException(ErrorType.DataLossError, $"part {part.Index} holds {ordinal} rows ({next} of {drops.Length} dropped), the merge counted {part.Rows}");
        }
    }

    private static async Task<long[]> ReadDropsAsync(StepContext ctx, ObjectRef drops, CancellationToken ct)
    {
        await using var s = await ctx.Store.OpenReadAsync(drops.Bucket, drops.Key, ct).ConfigureAwait(false);
        using var m = new MemoryStream();
        await s.CopyToAsync(m, ct).ConfigureAwait(false);
        if (m.Length % sizeof(long) != 0) throw new EtlException(ErrorType.InvalidInput, $"{ctx.Store.Describe(drops.Bucket, drops.Key)} is not a list of int64 ordinals");
        var bytes = m.GetBuffer().AsSpan(0, (int)m.Length);
        var result = new long[bytes.Length / sizeof(long)];
        for (var i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * sizeof(long))..]);
        return result;
    }

    /// <summary>The reading end: disposing it stops the producer (a loader that failed early does not read on).</summary>
    private sealed class PartsStream(PipeReader reader, Task producer, CancellationTokenSource stop) : ForwardReadStream
    {
        private readonly Stream _inner = reader.AsStream(leaveOpen: true);
        private bool _disposed;

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                stop.Cancel();
                reader.Complete();
                try
                {
                    producer.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    // stopped on purpose
                }
                stop.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
