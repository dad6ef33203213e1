using System.Buffers;

namespace EtlFunction.Parquet;

/// <summary>
/// Growth and return of <see cref="ArrayPool{T}"/> arrays for the column buffers, so a row group's
/// arrays are rented once and reused for the next row group (and by other partitions after a flush).
/// </summary>
internal static class PooledArrays
{
    public const int MinLength = 1024;

    /// <summary>Replaces <paramref name="array"/> by a pooled array of at least <paramref name="needed"/> elements, keeping the first <paramref name="used"/>.</summary>
    public static void Grow<T>(ref T[] array, int used, int needed)
    {
        var length = Math.Max(MinLength, Math.Max(needed, array.Length * 2));
        var bigger = ArrayPool<T>.Shared.Rent(length);
        array.AsSpan(0, used).CopyTo(bigger);
        Return(ref array);
        array = bigger;
    }

    public static void Return<T>(ref T[] array)
    {
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        array = [];
    }
}
