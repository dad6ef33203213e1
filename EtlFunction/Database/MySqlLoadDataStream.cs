using System.Buffers;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>
/// A read-only stream over the processed CSV that yields it rewritten by <see cref="LoadDataTranscoder"/>:
/// what <c>MySqlBulkLoader.SourceStream</c> sends to the server for <c>LOAD DATA LOCAL INFILE</c>. It reads the
/// source (e.g. an S3 response stream) in blocks of about 1 MiB and never holds more than a block and its
/// rewrite, however large the file; a row longer than a block grows the block (up to <see cref="MaxBlock"/>).
/// </summary>
internal sealed class MySqlLoadDataStream(Stream source, LoadDataTranscoder transcoder, CancellationToken ct) : Stream
{
    private const int Block = 1 << 20;
    private const int MaxBlock = 1 << 30;

    private byte[] _in = ArrayPool<byte>.Shared.Rent(Block);
    private byte[] _out = ArrayPool<byte>.Shared.Rent(LoadDataTranscoder.MaxOutput(Block));
    private int _inStart, _inEnd, _outStart, _outEnd;
    private bool _eof, _done;

    public long BytesIn { get; private set; }
    public long BytesOut { get; private set; }
    public long Rows => transcoder.Rows;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outStart == _outEnd)
        {
            if (_done) return 0;
            ct.ThrowIfCancellationRequested();
            await FillAsync(cancellationToken).ConfigureAwait(false);
            Convert();
        }
        return Take(buffer.Span);
    }

    public override int Read(Span<byte> buffer)
    {
        while (_outStart == _outEnd)
        {
            if (_done) return 0;
            ct.ThrowIfCancellationRequested();
            FillAsync(CancellationToken.None, sync: true).AsTask().GetAwaiter().GetResult();
            Convert();
        }
        return Take(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Take(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, n).CopyTo(buffer);
        _outStart += n;
        BytesOut += n;
        return n;
    }

    /// <summary>Moves the unconsumed tail to the front and reads until the block is at least half full or the source ends.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken, bool sync = false)
    {
        if (_eof) return;
        var pending = _inEnd - _inStart;
        if (_inStart > 0)
        {
            _in.AsSpan(_inStart, pending).CopyTo(_in);
            _inStart = 0;
            _inEnd = pending;
        }
        if (_inEnd == _in.Length)
        {
            // one row is longer than the block: grow it
            if (_in.Length >= MaxBlock) throw new EtlException(ErrorType.InvalidInput, $"processed CSV has a row longer than {MaxBlock >> 20} MiB");
            var bigger = ArrayPool<byte>.Shared.Rent(_in.Length * 2);
            _in.AsSpan(0, _inEnd).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_in);
            _in = bigger;
        }
        while (_inEnd < _in.Length / 2 || _inEnd == pending)
        {
            var n = sync
                ? source.Read(_in, _inEnd, _in.Length - _inEnd)
                : await source.ReadAsync(_in.AsMemory(_inEnd), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _eof = true;
                break;
            }
            if (BytesIn == 0) LoadProfile.Mark("firstByte");
            _inEnd += n;
            BytesIn += n;
        }
    }

    private void Convert()
    {
        var pending = _inEnd - _inStart;
        var need = LoadDataTranscoder.MaxOutput(pending);
        if (_out.Length < need)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = ArrayPool<byte>.Shared.Rent(need);
        }
        _outEnd = transcoder.Transcode(_in.AsSpan(_inStart, pending), _eof, _out, out var consumed);
        _outStart = 0;
        _inStart += consumed;
        if (_eof && _inStart == _inEnd) _done = true;
    }

    public override void Flush() { }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesOut; set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _in.Length > 0)
        {
            source.Dispose();
            ArrayPool<byte>.Shared.Return(_in);
            ArrayPool<byte>.Shared.Return(_out);
            _in = [];
            _out = [];
        }
        base.Dispose(disposing);
    }
}
