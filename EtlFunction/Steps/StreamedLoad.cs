using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// Lets <c>run</c> load while it still cleans (issue #13). When a row's fate is final the moment it is
/// cleaned — dedupe <c>none</c>, <c>keep_first</c> or <c>reject</c>, on the single path — preprocess also
/// writes its processed CSV into a bounded pipe (<see cref="PauseBytes"/>), which the load step reads as its
/// input; the load connects, checks the ledger and streams rows into its transaction meanwhile. With
/// <c>keep_last</c> a row is final only once the file's end shows no later duplicate, so those runs (and
/// split runs) load after preprocess, as the state machine does.
/// <para>
/// The load's input ends only when preprocess has returned — its processed and rejects objects committed
/// and the rows counted — so the transaction commits only after a complete, successful preprocess;
/// a preprocess failure ends the input with that error and the load rolls back. The database sees the
/// run entirely or not at all, as in the sequential order, and the same ledger row makes a rerun a no-op.
/// </para>
/// </summary>
internal sealed class StreamedLoad(StepContext ctx)
{
    /// <summary>The rows buffered between the cleaner and the load before the cleaner waits.</summary>
    public const int PauseBytes = 4 << 20;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
    private readonly Stopwatch _clock = new();
    private ITableLoader? _loader;
    private Task<LoadResult>? _load;

    /// <summary>True once preprocess has started the load beside it.</summary>
    public bool Started => _load is not null;

    /// <summary>Whether a contract's rows can be loaded while they are cleaned (not <c>keep_last</c> with a key).</summary>
    public static bool CanStream(DatasetContract contract) =>
        !(contract.Dedupe == DedupePolicy.KeepLast && contract.PrimaryKey.Count > 0);

    /// <summary>
    /// Called by preprocess as cleaning begins: starts the load and returns the stream the cleaner writes
    /// (the processed object and the load's pipe), or <paramref name="processed"/> alone when this run cannot stream.
    /// </summary>
    public Stream Begin(LoadRequest request, bool singlePass, Stream processed, CancellationToken ct)
    {
        if (!singlePass || !CanStream(request.Contract) || ctx.Loader is null) return processed;
        _loader = ctx.Loader();
        _clock.Start();
        var rows = _pipe.Reader.AsStream(leaveOpen: true);
        _load = Task.Run(async () =>
        {
            try
            {
                return await _loader.LoadAsync(request, _ => Task.FromResult(rows), ct).ConfigureAwait(false);
            }
            finally
            {
                // A load that ends early (already in the ledger, or failed) must not leave the cleaner waiting on a full pipe.
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        ctx.Log($"load: streaming rows into {_loader.Describe()} while cleaning (dedupe {request.Contract.Dedupe.ToString().ToLowerInvariant()})");
        return new TeeStream(processed, _pipe.Writer);
    }

    /// <summary>
    /// After preprocess succeeded with <paramref name="cleaned"/>: ends the load's input, waits for the load
    /// and returns the run state with its fields, as <see cref="LoadStep"/> would have.
    /// </summary>
    public async Task<RunState> CompleteAsync(RunState cleaned)
    {
        var load = _load ?? throw new InvalidOperationException("the load was not started");
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        var result = await load.ConfigureAwait(false);
        return LoadStep.Apply(ctx, _loader!, cleaned, result, _clock.Elapsed);
    }

    /// <summary>
    /// After preprocess failed, or found nothing to load: ends the load's input with an error, so its
    /// transaction rolls back, and waits for it. The load's own error is logged; the caller has the one that matters.
    /// </summary>
    public async Task AbandonAsync(Exception? cause)
    {
        if (_load is not { } load) return;
        await _pipe.Writer.CompleteAsync(new EtlException(ErrorType.InternalError, "preprocess did not complete; the streamed load rolls back", cause)).ConfigureAwait(false);
        try
        {
            await load.ConfigureAwait(false);
            // Unreachable in practice: the input ended with an error. Were it to commit, the run's counts would say so.
            ctx.Log("load: the streamed load ended although preprocess did not complete");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (cause is not null) ctx.Log($"load: rolled back ({e.Message})");
        }
    }

    /// <summary>
    /// The cleaner's output: every write goes to the processed object and, until the load stops reading,
    /// into the load's pipe (blocking while the pipe is full: that bounds memory). Disposing it leaves both open.
    /// </summary>
    private sealed class TeeStream(Stream inner, PipeWriter pipe) : Stream
    {
        private bool _pipeDone;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            if (_pipeDone || buffer.IsEmpty) return;
            pipe.Write(buffer);
            // The cleaner writes from its own thread (PreprocessStep's Task.Run); waiting here is the back-pressure.
            _pipeDone = pipe.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
