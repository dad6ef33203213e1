using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Parquet;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Tests.Unit.Parquet;

/// <summary>Builds contracts and canonical CSV input for the archiver tests, and collects its output files.</summary>
internal static class ParquetTestData
{
    public static ColumnSpec Col(string name, ColumnType type, bool nullable = true) =>
        new() { Name = name, Source = name, Type = type, Nullable = nullable };

    public static DatasetContract Contract(ArchiveOptions? archive, params ColumnSpec[] columns) =>
        new() { Dataset = "test_ds", Table = "test_ds", Columns = columns, Archive = archive ?? new ArchiveOptions() };

    /// <summary>A reader over a canonical CSV made of the contract's header and <paramref name="lines"/>.</summary>
    public static CanonicalCsvReader Reader(DatasetContract contract, IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", contract.Columns.Select(c => c.Name))).Append('\n');
        foreach (var line in lines) sb.Append(line).Append('\n');
        return new CanonicalCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())), contract);
    }

    /// <summary>Runs the archiver and reads every file it wrote back.</summary>
    public static (IReadOnlyList<ArchivedPart> Parts, Outputs Files) Archive(DatasetContract contract, IEnumerable<string> lines, string fallbackDt = "2024-05-01")
    {
        var outputs = new Outputs();
        using var reader = Reader(contract, lines);
        var parts = ParquetArchiver.Write(reader, contract, fallbackDt, outputs.Open);
        return (parts, outputs);
    }
}

/// <summary>The streams handed to the archiver, one per dt, as an object store would receive them.</summary>
internal sealed class Outputs
{
    private readonly Dictionary<string, MemoryStream> _files = new(StringComparer.Ordinal);

    public List<string> OpenOrder { get; } = [];
    public IReadOnlyCollection<string> Dts => _files.Keys;

    public Stream Open(string dt)
    {
        Assert.That(_files.ContainsKey(dt), Is.False, $"partition {dt} opened twice");
        var ms = new MemoryStream();
        _files.Add(dt, ms);
        OpenOrder.Add(dt);
        return ms;
    }

    public byte[] Bytes(string dt) => _files[dt].ToArray();

    public ParquetReadBack Read(string dt) => ParquetReadBack.Read(Bytes(dt));
}

/// <summary>A write-only, forward-only stream like an upload stream: no Position, no Seek, no Length.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public int Writes { get; private set; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Writes++;
        inner.Write(buffer, offset, count);
    }
}

/// <summary>An output that fails on the first write, as an upload whose connection drops.</summary>
internal sealed class FailingStream : Stream
{
    public const string Message = "the upload failed";
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public int Attempts { get; private set; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Attempts++;
        throw new IOException(Message);
    }
}
