using ParquetSharp;
using ParquetSharp.IO;
using EtlFunction.Format;

namespace EtlFunction.Parquet;

/// <summary>
/// One output file (one <c>dt=</c> partition): its column buffers and, from the first row group
/// on, its output stream and <see cref="ParquetFileWriter"/>. Rows are buffered until the archiver
/// decides to flush them as a row group; the file is opened lazily so a partition costs no stream
/// until it has data to write.
/// </summary>
internal sealed class PartitionWriter(string dt, ParquetLayout layout, Func<string, Stream> openOutput) : IDisposable
{
    private readonly ColumnBuffer[] _buffers = layout.CreateBuffers();
    private ParquetSinkStream? _sink;
    private ManagedOutputStream? _output;
    private ParquetFileWriter? _writer;
    private bool _completed;

    public string Dt => dt;
    public long Rows { get; private set; }
    public int BufferedRows { get; private set; }

    public long BufferedBytes
    {
        get
        {
            long sum = 0;
            foreach (var b in _buffers) sum += b.BufferedBytes;
            return sum;
        }
    }

    public void Append(CanonicalCsvReader row)
    {
        foreach (var b in _buffers) b.Append(row);
        BufferedRows++;
        Rows++;
    }

    /// <summary>
    /// Writes the buffered rows as one row group, column by column, hands its bytes to the caller's
    /// stream, and keeps the column arrays for reuse.
    /// </summary>
    public void FlushRowGroup()
    {
        if (BufferedRows == 0) return;
        var writer = Open();
        try
        {
            using var rowGroup = writer.AppendRowGroup();
            foreach (var b in _buffers)
            {
                using var column = rowGroup.NextColumn();
                b.WriteTo(column);
            }
            rowGroup.Close();
            _sink!.Flush();
        }
        finally
        {
            foreach (var b in _buffers) b.Clear();
        }
        BufferedRows = 0;
    }

    /// <summary>Gives the buffers' arrays back to the pool (after a flush, when memory is tight).</summary>
    public void Release()
    {
        foreach (var b in _buffers) b.Release();
    }

    /// <summary>Flushes the last row group, writes the footer and hands every byte to the caller's stream.</summary>
    public ArchivedPart Complete()
    {
        FlushRowGroup();
        Open().Close();
        _sink!.Flush();
        _completed = true;
        Release();
        return new ArchivedPart(dt, Rows);
    }

    private ParquetFileWriter Open()
    {
        if (_completed) throw new InvalidOperationException($"partition {dt} is already complete");
        if (_writer is not null) return _writer;
        _sink = new ParquetSinkStream(openOutput(dt));
        _output = new ManagedOutputStream(_sink, leaveOpen: true);
        _writer = new ParquetFileWriter(_output, layout.Schema, layout.Properties, layout.Metadata);
        return _writer;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _output?.Dispose();
        _sink?.Dispose();
        Release();
    }
}
