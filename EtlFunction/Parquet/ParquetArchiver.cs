using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using EtlFunction.Values;

namespace EtlFunction.Parquet;

/// <summary>
/// Writes a run's typed rows as contract-typed Parquet, one file per <c>dt=YYYY-MM-DD</c> partition.
/// Rows stream through: each partition buffers at most one row group of column arrays (sized once and
/// reused), a full buffer is written as a row group, and when all partitions together hold more
/// than a global cap every buffer is flushed, so memory stays bounded however many days a file
/// spans and however large it is. See <see cref="ParquetLayout"/> for the type mapping.
/// </summary>
public static class ParquetArchiver
{
    /// <summary>Default cap on rows buffered across all partitions (raised to the row group size if larger).</summary>
    public const int DefaultMaxBufferedRows = 1 << 20;
    /// <summary>Default cap on the approximate bytes buffered across all partitions.</summary>
    public const long DefaultMaxBufferedBytes = 256L << 20;
    private const int ByteCheckInterval = 4096;
    private const long NullKey = long.MinValue;

    /// <summary>
    /// Writes every row of <paramref name="rows"/> to Parquet. Without <c>archive.partition_by</c>
    /// all rows go to one file in partition <paramref name="fallbackDt"/> (written even when there
    /// are no rows, so the schema is archived); with it, each row goes to the file of its column's
    /// UTC day, or <see cref="ParquetLayout.NullPartition"/> when that value is NULL.
    /// </summary>
    /// <param name="rows">The processed CSV, already typed by the contract; read to the end.</param>
    /// <param name="contract">Column types, nullability and the archive options.</param>
    /// <param name="fallbackDt">The partition (<c>yyyy-MM-dd</c>, the source object's date) when the contract has no partition column.</param>
    /// <param name="openOutput">
    /// Called once per partition with its dt, on the partition's first row group. The stream only
    /// needs to be writable (it may be non-seekable); it is neither flushed nor closed here: the
    /// caller commits it after this method returns, or abandons all of them if it throws.
    /// </param>
    /// <returns>The files written, ordered by dt.</returns>
    public static IReadOnlyList<ArchivedPart> Write(CanonicalCsvReader rows, DatasetContract contract, string fallbackDt, Func<string, Stream> openOutput) =>
        Write(rows, contract, fallbackDt, openOutput,
            Math.Max(DefaultMaxBufferedRows, contract.Archive.RowGroupRows), DefaultMaxBufferedBytes);

    /// <summary>As <see cref="Write(CanonicalCsvReader, DatasetContract, string, Func{string, Stream})"/> with explicit memory caps (tests).</summary>
    internal static IReadOnlyList<ArchivedPart> Write(CanonicalCsvReader rows, DatasetContract contract, string fallbackDt,
        Func<string, Stream> openOutput, int maxBufferedRows, long maxBufferedBytes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(openOutput);
        if (!DateOnly.TryParseExact(fallbackDt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException($"fallback dt must be yyyy-MM-dd, got '{fallbackDt}'", nameof(fallbackDt));
        }
        var rowGroupRows = contract.Archive.RowGroupRows;
        if (rowGroupRows < 1) throw new EtlException(ErrorType.ContractViolation, $"archive.row_group_rows must be >= 1, got {rowGroupRows}");
        var (partitionColumn, partitionKind) = PartitionColumn(contract);

        using var layout = new ParquetLayout(contract);
        var encoder = new RowGroupEncoder(layout);
        var partitions = new Dictionary<long, PartitionWriter>();
        try
        {
            PartitionWriter? current = null;
            var currentKey = 0L;
            if (partitionColumn < 0)
            {
                current = new PartitionWriter(fallbackDt, layout, encoder, openOutput);
                partitions.Add(0, current);
            }
            var buffered = 0L;
            var sinceByteCheck = 0;
            while (rows.Read())
            {
                if (partitionColumn >= 0)
                {
                    var key = rows.IsNull(partitionColumn) ? NullKey : DayNumber(rows.GetInt64(partitionColumn), partitionKind);
                    if (current is null || key != currentKey)
                    {
                        if (!partitions.TryGetValue(key, out current))
                        {
                            current = new PartitionWriter(DtOf(key), layout, encoder, openOutput);
                            partitions.Add(key, current);
                        }
                        currentKey = key;
                    }
                }
                current!.Append(rows);
                buffered++;
                if (current.BufferedRows >= rowGroupRows)
                {
                    buffered -= current.BufferedRows;
                    current.FlushRowGroup();
                }
                var overBytes = false;
                if (++sinceByteCheck == ByteCheckInterval)
                {
                    sinceByteCheck = 0;
                    overBytes = BufferedBytes(partitions.Values) > maxBufferedBytes;
                }
                if (buffered > maxBufferedRows || overBytes)
                {
                    foreach (var p in partitions.Values)
                    {
                        p.FlushRowGroup();
                        p.Release();
                    }
                    buffered = 0;
                }
            }
            var parts = new List<ArchivedPart>(partitions.Count);
            foreach (var p in partitions.Values.OrderBy(p => p.Dt, StringComparer.Ordinal)) parts.Add(p.Complete());
            return parts;
        }
        finally
        {
            encoder.Dispose(); // before the files: a row group may still be in flight after a failure
            foreach (var p in partitions.Values) p.Dispose();
        }
    }

    private static (int Ordinal, TypeKind Kind) PartitionColumn(DatasetContract contract)
    {
        if (contract.Archive.PartitionBy is not { } name) return (-1, default);
        var i = contract.IndexOf(name);
        if (i < 0) throw new EtlException(ErrorType.ContractViolation, $"archive.partition_by: unknown column '{name}'");
        var kind = contract.Columns[i].Type.Kind;
        if (kind is not (TypeKind.Date or TypeKind.Timestamp))
        {
            throw new EtlException(ErrorType.ContractViolation, $"archive.partition_by: column '{name}' must be a date or timestamp, not {contract.Columns[i].Type}");
        }
        return (i, kind);
    }

    /// <summary>The <see cref="DateOnly.DayNumber"/> of a date value, or of a timestamp's UTC day.</summary>
    private static long DayNumber(long value, TypeKind kind) =>
        kind == TypeKind.Date ? value : UnixMicros.DayNumber(value);

    private static string DtOf(long key) => key == NullKey
        ? ParquetLayout.NullPartition
        : DateOnly.FromDayNumber((int)key).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long BufferedBytes(IEnumerable<PartitionWriter> partitions)
    {
        long sum = 0;
        foreach (var p in partitions) sum += p.BufferedBytes;
        return sum;
    }
}
