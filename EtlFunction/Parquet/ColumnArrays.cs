namespace EtlFunction.Parquet;

/// <summary>
/// Growth of the column buffers' arrays. They are the buffers' own (not rented from the shared
/// <see cref="System.Buffers.ArrayPool{T}"/>): a rented array grown by doubling left every smaller
/// step behind in the pool, where nothing rented it again, so a row group's buffers cost about twice
/// their size in resident memory. Here a per-row array is sized at once to the row group when the
/// caller expects full row groups, and otherwise doubles up to that size, the smaller steps being
/// ordinary garbage; the arrays are then reused for every later row group of the file.
/// </summary>
internal static class ColumnArrays
{
    public const int MinLength = 1024;

    /// <summary>
    /// Replaces <paramref name="array"/> by one of at least <paramref name="needed"/> elements, keeping the
    /// first <paramref name="used"/>: the row group's length at once when full row groups are expected, else twice as long (at least <see cref="MinLength"/>), but no longer than
    /// the row group unless <paramref name="needed"/> is.
    /// </summary>
    public static void Grow<T>(ref T[] array, int used, int needed, ColumnSizing sizing)
    {
        var limit = sizing.RowGroupRows;
        var doubled = array.Length == 0 && sizing.FullGroups ? limit : Math.Min(limit, Math.Max(MinLength, (long)array.Length * 2));
        var bigger = GC.AllocateUninitializedArray<T>((int)Math.Max(needed, doubled));
        array.AsSpan(0, used).CopyTo(bigger);
        array = bigger;
    }

    /// <summary>As <see cref="Grow{T}(ref T[], int, int, ColumnSizing)"/> by half again (for string bytes, whose total per row group is not known).</summary>
    public static void GrowByHalf(ref byte[] array, int used, int needed)
    {
        var longer = Math.Min(Array.MaxLength, Math.Max(MinLength, array.Length + (long)array.Length / 2));
        var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Max(needed, longer));
        array.AsSpan(0, used).CopyTo(bigger);
        array = bigger;
    }
}

/// <summary>How the archiver expects a file's column buffers to fill: rows per row group, and whether they
/// usually fill whole row groups (one file, no partition column) so that per-row arrays are sized at once.</summary>
internal readonly record struct ColumnSizing(int RowGroupRows, bool FullGroups);
