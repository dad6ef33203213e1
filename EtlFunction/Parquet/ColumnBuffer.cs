using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using EtlFunction.Values;
using ParquetSharp;

namespace EtlFunction.Parquet;

/// <summary>
/// One column of one row group being buffered: definition levels (optional columns only) and the
/// dense non-NULL values, in the physical representation Parquet stores. The whole row group's
/// column is handed to ParquetSharp in one <c>WriteBatch</c> call (column-batched writing).
/// </summary>
internal abstract class ColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing)
{
    private short[] _defLevels = [];

    /// <summary>Rows buffered (NULL or not).</summary>
    protected int Rows { get; private set; }
    /// <summary>Non-NULL values buffered.</summary>
    protected int Count { get; set; }
    protected ColumnSpec Spec => spec;
    protected ColumnSizing Sizing => sizing;

    public void Append(CanonicalCsvReader row)
    {
        var isNull = row.IsNull(ordinal);
        if (spec.Nullable)
        {
            if (Rows == _defLevels.Length) ColumnArrays.Grow(ref _defLevels, Rows, Rows + 1, sizing);
            _defLevels[Rows] = isNull ? (short)0 : (short)1;
        }
        else if (isNull)
        {
            throw new EtlException(ErrorType.InvalidInput,
                $"processed CSV row {row.RowNumber} column {spec.Name}: NULL in a column the contract declares not nullable");
        }
        Rows++;
        if (!isNull) AppendValue(row, ordinal);
    }

    /// <summary>Approximate bytes held for the buffered rows (for the archiver's memory cap).</summary>
    public long BufferedBytes => (spec.Nullable ? Rows * 2L : 0) + ValueBytes;

    /// <summary>Writes the buffered rows as this column's chunk of the current row group.</summary>
    public void WriteTo(ColumnWriter writer) =>
        WriteValues(writer, Rows, spec.Nullable ? _defLevels.AsSpan(0, Rows) : default);

    /// <summary>Called after the row group is closed: the buffered values are no longer referenced.</summary>
    public virtual void Clear()
    {
        Rows = 0;
        Count = 0;
    }

    /// <summary>Clears and drops the arrays (an idle partition keeps no memory).</summary>
    public virtual void Release()
    {
        Clear();
        _defLevels = [];
    }

    /// <summary>
    /// Whether a dictionary of the buffered values would outgrow <paramref name="limitBytes"/>, the writer's
    /// dictionary page cap (its PLAIN-encoded size: the values, and 4 bytes of length for each string). Past the
    /// cap the writer falls back to plain encoding within the row group anyway, after paying to build the
    /// dictionary; <see cref="ParquetLayout.CreateProperties"/> asks this of a file's first row group to turn
    /// the dictionary off for such columns (ids, amounts, timestamps) from the start.
    /// </summary>
    public abstract bool DictionaryOverflows(long limitBytes);

    protected abstract long ValueBytes { get; }
    protected abstract void AppendValue(CanonicalCsvReader row, int ordinal);
    protected abstract void WriteValues(ColumnWriter writer, int rows, ReadOnlySpan<short> defLevels);

    /// <summary>The buffer for a contract column, matching <see cref="ParquetLayout.PhysicalTypeOf"/>.</summary>
    public static ColumnBuffer For(ColumnSpec spec, int ordinal, ColumnSizing sizing) => spec.Type.Kind switch
    {
        TypeKind.String => new StringColumnBuffer(spec, ordinal, sizing),
        TypeKind.Int32 => new Int32ColumnBuffer(spec, ordinal, sizing, 0),
        TypeKind.Date => new Int32ColumnBuffer(spec, ordinal, sizing, ValueParser.UnixEpochDayNumber),
        TypeKind.Decimal when spec.Type.Precision <= ParquetLayout.MaxInt32DecimalPrecision => new Int32ColumnBuffer(spec, ordinal, sizing, 0),
        TypeKind.Int64 or TypeKind.Decimal or TypeKind.Timestamp => new Int64ColumnBuffer(spec, ordinal, sizing),
        TypeKind.Double => new DoubleColumnBuffer(spec, ordinal, sizing),
        TypeKind.Bool => new BoolColumnBuffer(spec, ordinal, sizing),
        _ => throw new EtlException(ErrorType.InternalError, $"no Parquet buffer for type {spec.Type}"),
    };
}

/// <summary>A column whose values are a fixed-width unmanaged type (all types except strings).</summary>
internal abstract class FixedColumnBuffer<T>(ColumnSpec spec, int ordinal, ColumnSizing sizing) : ColumnBuffer(spec, ordinal, sizing)
    where T : unmanaged
{
    private T[] _values = [];

    protected sealed override long ValueBytes => (long)Count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    protected sealed override void AppendValue(CanonicalCsvReader row, int ordinal)
    {
        if (Count == _values.Length) ColumnArrays.Grow(ref _values, Count, Count + 1, Sizing);
        _values[Count++] = Convert(row, ordinal);
    }

    protected abstract T Convert(CanonicalCsvReader row, int ordinal);

    public sealed override bool DictionaryOverflows(long limitBytes)
    {
        var most = limitBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>(); // distinct values that fit
        if (Count <= most) return false;
        var seen = new HashSet<T>((int)Math.Min(most + 1, Count));
        for (var i = 0; i < Count; i++)
        {
            if (seen.Add(_values[i]) && seen.Count > most) return true;
        }
        return false;
    }

    protected sealed override void WriteValues(ColumnWriter writer, int rows, ReadOnlySpan<short> defLevels) =>
        ((ColumnWriter<T>)writer).WriteBatch(rows, defLevels, default, _values.AsSpan(0, Count));

    public sealed override void Release()
    {
        base.Release();
        _values = [];
    }
}

/// <summary>int64, timestamp (Unix microseconds) and decimal(p&lt;=18) as its unscaled value.</summary>
internal sealed class Int64ColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing) : FixedColumnBuffer<long>(spec, ordinal, sizing)
{
    protected override long Convert(CanonicalCsvReader row, int ordinal) => row.GetInt64(ordinal);
}

/// <summary>int32, decimal(p&lt;=9) unscaled, and date (day number minus <paramref name="offset"/> = days since 1970-01-01).</summary>
internal sealed class Int32ColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing, long offset) : FixedColumnBuffer<int>(spec, ordinal, sizing)
{
    protected override int Convert(CanonicalCsvReader row, int ordinal)
    {
        var v = row.GetInt64(ordinal) - offset;
        if (v is < int.MinValue or > int.MaxValue)
        {
            throw new EtlException(ErrorType.InvalidInput,
                $"processed CSV row {row.RowNumber} column {Spec.Name}: {row.GetInt64(ordinal)} does not fit a 32-bit {Spec.Type}");
        }
        return (int)v;
    }
}

internal sealed class DoubleColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing) : FixedColumnBuffer<double>(spec, ordinal, sizing)
{
    protected override double Convert(CanonicalCsvReader row, int ordinal) => row.GetDouble(ordinal);
}

internal sealed class BoolColumnBuffer(ColumnSpec spec, int ordinal, ColumnSizing sizing) : FixedColumnBuffer<bool>(spec, ordinal, sizing)
{
    protected override bool Convert(CanonicalCsvReader row, int ordinal) => row.GetInt64(ordinal) != 0;
}
