using EtlFunction.ProcessedCsv;
using ParquetSharp;
using ParquetSharp.IO;

namespace EtlFunction.Parquet;

/// <summary>
/// One output file (one <c>dt=</c> partition): the column buffers it is filling and, from the first
/// row group on, its output stream and <see cref="ParquetFileWriter"/>. Rows are buffered until the
/// archiver decides to flush them as a row group, which the <see cref="RowGroupEncoder"/> encodes
/// while the next rows fill another set of buffers; the file is opened lazily (on the caller's
/// thread) so a partition costs no stream until it has data to write.
/// </summary>
internal sealed class PartitionWriter(string dt, ParquetLayout layout, RowGroupEncoder encoder, Func<string, Stream> openOutput) : IDisposable
{
    private ColumnBuffer[] _buffers = layout.CreateBuffers();
    private ParquetSinkStream? _sink;
    private ManagedOutputStream? _output;
    private WriterProperties? _properties;
    private ParquetFileWriter? _writer;
    private bool _completed;
    private Action<ColumnBuffer[]>? _writeRowGroup;

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
    /// Hands the buffered rows to the encoder as one row group (its bytes reach the caller's stream
    /// when it is encoded) and goes on with an empty set of buffers.
    /// </summary>
    public void FlushRowGroup()
    {
        if (BufferedRows == 0) return;
        Open(_buffers);
        _buffers = encoder.Submit(_writeRowGroup ??= WriteRowGroup, _buffers);
        BufferedRows = 0;
    }

    /// <summary>On the encoder's thread: one row group, column by column, then its bytes to the caller's stream.</summary>
    private void WriteRowGroup(ColumnBuffer[] buffers)
    {
        using var rowGroup = _writer!.AppendRowGroup();
        foreach (var b in buffers)
        {
            using var column = rowGroup.NextColumn();
            b.WriteTo(column);
        }
        rowGroup.Close();
        _sink!.Flush();
    }

    /// <summary>Drops the buffers' arrays (after a flush, when memory is tight).</summary>
    public void Release() => Release(_buffers);

    private static void Release(ColumnBuffer[] buffers)
    {
        foreach (var b in buffers) b.Release();
    }

    /// <summary>Flushes the last row group, writes the footer and hands every byte to the caller's stream.</summary>
    public ArchivedPart Complete()
    {
        FlushRowGroup();
        if (encoder.Drain() is { } spare) Release(spare);
        Open(_buffers).Close(); // a partition without rows still gets a file: the schema is archived
        _sink!.Flush();
        _completed = true;
        Release();
        return new ArchivedPart(dt, Rows);
    }

    /// <summary>The file's writer, opened on the first call with properties chosen from <paramref name="firstRowGroup"/>.</summary>
    private ParquetFileWriter Open(ColumnBuffer[] firstRowGroup)
    {
        if (_completed) throw new InvalidOperationException($"partition {dt} is already complete");
        if (_writer is not null) return _writer;
        _sink = new ParquetSinkStream(openOutput(dt));
        _output = new ManagedOutputStream(_sink, leaveOpen: true);
        _properties = layout.CreateProperties(firstRowGroup);
        _writer = new ParquetFileWriter(_output, layout.Schema, _properties, layout.Metadata);
        return _writer;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _properties?.Dispose();
        _output?.Dispose();
        _sink?.Dispose();
        Release();
    }
}
