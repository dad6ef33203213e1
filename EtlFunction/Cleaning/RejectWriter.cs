using EtlFunction.ProcessedCsv;

namespace EtlFunction.Cleaning;

/// <summary>
/// Writes the rejects CSV: one row per rejected input row with the source line number, the
/// column(s) at fault, the reason(s), and the raw record exactly as it stood in the file, so a
/// rejected row can be fixed and re-sent. Same quoting rules as the processed CSV.
/// </summary>
public sealed class RejectWriter : IDisposable
{
    private readonly CanonicalCsvWriter _writer;

    public RejectWriter(Stream output)
    {
        _writer = new CanonicalCsvWriter(output, 64 << 10);
        _writer.WriteHeader(["line", "column", "reason", "record"]);
    }

    public long Rows => _writer.Rows;

    public void Write(long line, string column, string reason, string? record)
    {
        _writer.WriteInt64(line);
        _writer.WriteString(column);
        _writer.WriteString(reason);
        _writer.WriteString(record);
        _writer.EndRow();
    }

    /// <summary>Appends a record already in rejects format (from a piece of a split file), ending with its newline.</summary>
    internal void WriteRaw(ReadOnlySpan<byte> record) => _writer.WriteRawRows(record, 1);

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
