using System.Diagnostics;
using System.IO.Pipelines;
using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>The bounded pipe the steps stream processed rows through: a few MiB in flight, whatever the file's size.</summary>
internal static class BoundedPipe
{
    /// <summary>The bytes buffered between writer and reader before the writer waits.</summary>
    public const int PauseBytes = 4 << 20;

    public static Pipe Create() =>
        new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
}

/// <summary>
/// One consumer of a streamed <c>run</c>'s processed CSV (<see cref="StreamedRun"/>): a task reading a
/// <see cref="BoundedPipe"/> that the cleaner writes. Its input ends only when the caller says how preprocess
/// ended: normally (<see cref="CompleteAsync"/>: the consumer finishes and commits) or with an error
/// (<see cref="AbandonAsync"/>: the consumer fails, so it commits nothing).
/// </summary>
internal sealed class PipedConsumer<T>
{
    private readonly Pipe _pipe = BoundedPipe.Create();
    private readonly Stopwatch _clock = new();
    private Task<T>? _task;

    /// <summary>True once the consumer runs.</summary>
    public bool Started => _task is not null;

    /// <summary>The time since <see cref="Start"/>: the step's own timing.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts <paramref name="consume"/> on the pipe's reading end; returns the end the cleaner writes.</summary>
    public PipeWriter Start(Func<Stream, Task<T>> consume)
    {
        _clock.Start();
        var input = _pipe.Reader.AsStream(leaveOpen: true);
        _task = Task.Run(async () =>
        {
            try
            {
                return await consume(input).ConfigureAwait(false);
            }
            finally
            {
                // A consumer that ends early (already in the ledger, or failed) must not leave the cleaner waiting on a full pipe.
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return _pipe.Writer;
    }

    /// <summary>After preprocess succeeded: ends the consumer's input and returns its result.</summary>
    public async Task<T> CompleteAsync()
    {
        var task = _task ?? throw new InvalidOperationException("the consumer was not started");
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// After preprocess failed, or wrote no rows: ends the consumer's input with an error, so it commits nothing,
    /// and waits for it. Its own error is only logged (as "<paramref name="what"/>: <paramref name="outcome"/>");
    /// the caller has the one that matters.
    /// </summary>
    public async Task AbandonAsync(StepContext ctx, string what, string outcome, Exception? cause)
    {
        if (_task is not { } task) return;
        await _pipe.Writer.CompleteAsync(new EtlException(ErrorType.InternalError, $"preprocess did not complete; the streamed {what} is {outcome}", cause)).ConfigureAwait(false);
        try
        {
            await task.ConfigureAwait(false);
            // Unreachable in practice: the input ended with an error. Were it to commit, the run's counts would say so.
            ctx.Log($"{what}: the streamed {what} ended although preprocess did not complete");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (cause is not null) ctx.Log($"{what}: {outcome} ({e.Message})");
        }
    }
}
