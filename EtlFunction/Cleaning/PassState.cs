using System.Text;
using System.Text.RegularExpressions;
using EtlFunction.Contracts;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Cleaning;

/// <summary>
/// Per-pass state of the cleaner: the compiled columns and filters, which columns were already
/// cleaned for the current row (filter columns are cleaned first and not twice), and the key of
/// the current row for dedupe.
/// </summary>
internal sealed class PassState
{
    private readonly long[] _cleanedAt;
    private readonly bool[] _ok;
    private readonly (int Column, bool Keep, CompiledCondition Condition)[] _filters;
    private readonly int[] _keyColumns;
    private readonly StringBuilder _key = new();

    public ColumnCleaner[] Cleaners { get; }
    public long Row { get; set; }
    public bool HasKey => _keyColumns.Length > 0;
    /// <summary>A single key column held as a 64-bit value (ints, decimals, dates, timestamps, bools).</summary>
    public bool KeyIsLong { get; }

    public PassState(DatasetContract contract, int[] sourceIndex)
    {
        Cleaners = contract.Columns.Select((c, i) => new ColumnCleaner(c, sourceIndex[i], contract)).ToArray();
        _cleanedAt = new long[Cleaners.Length];
        _ok = new bool[Cleaners.Length];
        _filters = contract.Filters.Select(f =>
        {
            var idx = contract.IndexOf(f.Column);
            return (idx, f.Keep, new CompiledCondition(contract.Columns[idx].Type, f.Condition));
        }).ToArray();
        _keyColumns = contract.Dedupe == DedupePolicy.None ? [] : contract.PrimaryKey.Select(contract.IndexOf).ToArray();
        KeyIsLong = IsLongKey(contract);
    }

    /// <summary>True when the dedupe key is one column held as a 64-bit value (ints, decimals, dates, timestamps, bools).</summary>
    public static bool IsLongKey(DatasetContract contract) =>
        contract.Dedupe != DedupePolicy.None && contract.PrimaryKey.Count == 1
        && contract.Columns[contract.IndexOf(contract.PrimaryKey[0])].Type.Kind is not (TypeKind.String or TypeKind.Double);

    /// <summary>Cleans column <paramref name="c"/> of the current row once; later calls return the cached outcome.</summary>
    public bool CleanColumn(int c, in RawRecord row)
    {
        if (_cleanedAt[c] == Row) return _ok[c];
        _cleanedAt[c] = Row;
        var cleaner = Cleaners[c];
        return _ok[c] = cleaner.Clean(row[cleaner.SourceIndex], row.Chars);
    }

    /// <summary>Returns the filter column that drops the row, or null to keep it. A value that fails to clean is left for validation to reject.</summary>
    public string? FilterDrops(in RawRecord row)
    {
        foreach (var (c, keep, cond) in _filters)
        {
            if (!CleanColumn(c, row)) continue;
            var cl = Cleaners[c];
            bool holds;
            try { holds = (cl.IsNull ? cond.EvaluateNull() : cond.Evaluate(cl.Text, cl.Long, cl.Double)) is null; }
            catch (RegexMatchTimeoutException)
            {
                // Neither kept nor dropped: the row is rejected with the reason.
                _ok[c] = cl.Reject(cond.TimeoutReason(cl.Text));
                continue;
            }
            if (holds != keep) return cl.Spec.Name;
        }
        return null;
    }

    public long LongKey() => Cleaners[_keyColumns[0]].Long;

    public string StringKey()
    {
        _key.Clear();
        foreach (var c in _keyColumns)
        {
            var cl = Cleaners[c];
            if (cl.Type.Kind == TypeKind.String) _key.Append(cl.Text);
            else if (cl.Type.Kind == TypeKind.Double) _key.Append(BitConverter.DoubleToInt64Bits(cl.Double));
            else _key.Append(cl.Long);
            _key.Append('\u001f');
        }
        return _key.ToString();
    }

    /// <summary>Writes the current (valid) row in canonical form.</summary>
    public void Write(CanonicalCsvWriter w)
    {
        foreach (var cl in Cleaners)
        {
            if (cl.IsNull)
            {
                w.WriteNull();
                continue;
            }
            switch (cl.Type.Kind)
            {
                case TypeKind.String: w.WriteString(cl.Text); break;
                case TypeKind.Int32 or TypeKind.Int64: w.WriteInt64(cl.Long); break;
                case TypeKind.Decimal: w.WriteDecimal(cl.Long, cl.Type.Scale); break;
                case TypeKind.Double: w.WriteDouble(cl.Double); break;
                case TypeKind.Bool: w.WriteBool(cl.Long != 0); break;
                case TypeKind.Date: w.WriteDate(cl.Long); break;
                default: w.WriteTimestamp(cl.Long); break;
            }
        }
    }
}
