using EtlFunction.Values;
using ParquetSharp;

namespace EtlFunction.Parquet;

/// <summary>The schema of one Parquet column as read back: names as Parquet prints them.</summary>
public sealed record ParquetColumnInfo(string Name, PhysicalType PhysicalType, string LogicalType, bool Nullable);

/// <summary>
/// Reads a whole Parquet file back into plain .NET values so tests (unit and integration) can
/// compare an archive with its source: int32/int64 as <see cref="long"/>, decimals as
/// <see cref="decimal"/>, doubles, bools, dates as <see cref="DateOnly"/>, timestamps as UTC
/// <see cref="DateTime"/>, strings; NULL as <c>null</c>. It holds every value in memory and reads
/// through ParquetSharp's logical readers (a different path from the archiver's physical writer),
/// so it is a check, not a production reader.
/// </summary>
public sealed class ParquetReadBack
{
    private readonly Dictionary<string, List<object?>> _values;

    private ParquetReadBack(long rowCount, IReadOnlyList<long> rowGroupRows, IReadOnlyList<ParquetColumnInfo> columns,
        IReadOnlyList<Compression> compressions, IReadOnlyDictionary<string, string> metadata, Dictionary<string, List<object?>> values)
    {
        RowCount = rowCount;
        RowGroupRows = rowGroupRows;
        Columns = columns;
        Compressions = compressions;
        KeyValueMetadata = metadata;
        _values = values;
    }

    public long RowCount { get; }
    /// <summary>The row count of each row group, in file order.</summary>
    public IReadOnlyList<long> RowGroupRows { get; }
    public IReadOnlyList<ParquetColumnInfo> Columns { get; }
    /// <summary>The codec of each column chunk in the first row group (empty when there is none).</summary>
    public IReadOnlyList<Compression> Compressions { get; }
    public IReadOnlyDictionary<string, string> KeyValueMetadata { get; }

    /// <summary>All values of a column, one per row, in file order.</summary>
    public IReadOnlyList<object?> Values(string column) =>
        _values.TryGetValue(column, out var v) ? v : throw new KeyNotFoundException($"no column '{column}'");

    public static ParquetReadBack Read(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        return Read(stream);
    }

    public static ParquetReadBack ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads a seekable stream holding a complete Parquet file.</summary>
    public static ParquetReadBack Read(Stream seekable)
    {
        using var reader = new ParquetFileReader(seekable, leaveOpen: true);
        var meta = reader.FileMetaData;
        var schema = meta.Schema;
        var columns = new List<ParquetColumnInfo>(schema.NumColumns);
        var values = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        for (var c = 0; c < schema.NumColumns; c++)
        {
            var d = schema.Column(c);
            using var logical = d.LogicalType;
            columns.Add(new ParquetColumnInfo(d.Name, d.PhysicalType, logical.ToString() ?? "", d.MaxDefinitionLevel > 0));
            values[d.Name] = new List<object?>((int)meta.NumRows);
        }
        var groups = new List<long>(meta.NumRowGroups);
        var compressions = new List<Compression>();
        for (var g = 0; g < meta.NumRowGroups; g++)
        {
            using var rowGroup = reader.RowGroup(g);
            var rows = (int)rowGroup.MetaData.NumRows;
            groups.Add(rows);
            for (var c = 0; c < columns.Count; c++)
            {
                if (g == 0) compressions.Add(rowGroup.MetaData.GetColumnChunkMetaData(c).Compression);
                using var column = rowGroup.Column(c);
                ReadColumn(column, rows, columns[c].Nullable, values[columns[c].Name]);
            }
        }
        var kv = meta.KeyValueMetadata ?? new Dictionary<string, string>();
        var result = new ParquetReadBack(meta.NumRows, groups, columns, compressions, kv, values);
        reader.Close();
        return result;
    }

    private static void ReadColumn(ColumnReader column, int rows, bool nullable, List<object?> into)
    {
        var d = column.ColumnDescriptor;
        using var logical = d.LogicalType;
        switch (d.PhysicalType, logical)
        {
            case (_, DecimalLogicalType):
                Read<decimal>(column, rows, nullable, into, v => v);
                break;
            case (PhysicalType.Int32, DateLogicalType):
                Read<Date>(column, rows, nullable, into, v => DateOnly.FromDayNumber(v.Days + (int)ValueParser.UnixEpochDayNumber));
                break;
            case (PhysicalType.Int64, TimestampLogicalType):
                Read<DateTime>(column, rows, nullable, into, v => v);
                break;
            case (PhysicalType.Int32, _):
                Read<int>(column, rows, nullable, into, v => (long)v);
                break;
            case (PhysicalType.Int64, _):
                Read<long>(column, rows, nullable, into, v => v);
                break;
            case (PhysicalType.Double, _):
                Read<double>(column, rows, nullable, into, v => v);
                break;
            case (PhysicalType.Boolean, _):
                Read<bool>(column, rows, nullable, into, v => v);
                break;
            case (PhysicalType.ByteArray, StringLogicalType):
                using (var strings = column.LogicalReader<string?>())
                {
                    into.AddRange(strings.ReadAll(rows));
                }
                break;
            default:
                throw new NotSupportedException($"column {d.Name}: {d.PhysicalType} {logical} is not an archive type");
        }
    }

    private static void Read<T>(ColumnReader column, int rows, bool nullable, List<object?> into, Func<T, object> box)
        where T : struct
    {
        if (nullable)
        {
            using var reader = column.LogicalReader<T?>();
            foreach (var v in reader.ReadAll(rows)) into.Add(v is { } x ? box(x) : null);
        }
        else
        {
            using var reader = column.LogicalReader<T>();
            foreach (var v in reader.ReadAll(rows)) into.Add(box(v));
        }
    }
}
