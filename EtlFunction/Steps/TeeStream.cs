using System.Buffers;
using System.IO.Pipelines;

namespace EtlFunction.Steps;

/// <summary>
/// The cleaner's output in a streamed <c>run</c> (<see cref="StreamedRun"/>): every write goes to the processed
/// object and, until each consumer stops reading, into that consumer's pipe, blocking while a pipe is full
/// (that bounds memory: the slowest consumer sets the pace). The consumers are started by the first write, not
/// before: a file the cleaner refuses before writing anything (a header that breaks the contract; with
/// <c>keep_last</c>, anything before the copy pass) starts no load, so no table is created from that contract.
/// Disposing it leaves the object and the pipes open.
/// </summary>
internal sealed class TeeStream(Stream inner, IReadOnlyList<Func<PipeWriter?>> consumers) : Stream
{
    private List<PipeWriter>? _pipes;
    private bool[] _done = [];

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        if (buffer.IsEmpty) return;
        if (_pipes is null)
        {
            _pipes = [];
            foreach (var start in consumers)
            {
                if (start() is { } pipe) _pipes.Add(pipe);
            }
            _done = new bool[_pipes.Count];
        }
        var pipes = _pipes;
        for (var i = 0; i < pipes.Count; i++)
        {
            if (_done[i]) continue;
            pipes[i].Write(buffer);
            // The cleaner writes from its own thread (PreprocessStep's Task.Run); waiting here is the back-pressure.
            // A consumer that ended early (already loaded, or failed) completes its reader: no more writes to it.
            _done[i] = pipes[i].FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted;
        }
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
