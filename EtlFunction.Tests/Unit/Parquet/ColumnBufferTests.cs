using EtlFunction.Contracts;
using EtlFunction.Parquet;
using static EtlFunction.Tests.Unit.Parquet.ParquetTestData;

namespace EtlFunction.Tests.Unit.Parquet;

/// <summary>
/// <see cref="ColumnBuffer.DictionaryOverflows"/>: the size a dictionary of the buffered values would have as
/// the writer counts it (PLAIN-encoded: 8 bytes an int64, 4 bytes of length plus the bytes a string), against
/// the cap, exactly at the boundary.
/// </summary>
public class ColumnBufferTests
{
    [TestCase(799, true)]
    [TestCase(800, false)]
    public void DictionaryOverflows_HundredDistinctInt64s_PastEightHundredBytes(long limit, bool overflows)
    {
        var buffer = Buffer(Col("id", ColumnType.Int64), Enumerable.Range(0, 300).Select(i => $"{i % 100}"));

        Assert.That(buffer.DictionaryOverflows(limit), Is.EqualTo(overflows));
    }

    [Test]
    public void DictionaryOverflows_ManyRowsFewDistinctValues_False()
    {
        var buffer = Buffer(Col("n", ColumnType.Int32), Enumerable.Range(0, 10_000).Select(i => $"{i % 3}"));

        Assert.That(buffer.DictionaryOverflows(12), Is.False, "3 distinct int32 values are 12 bytes");
        Assert.That(buffer.DictionaryOverflows(11), Is.True);
    }

    [TestCase(21, true)]
    [TestCase(22, false)]
    public void DictionaryOverflows_Strings_CountsEachDistinctValueOnceWithItsLength(long limit, bool overflows)
    {
        // Distinct: "a" (4 + 1), "bb" (4 + 2), "Zürich" (4 + 7 UTF-8 bytes) = 22 bytes; NULLs are not values.
        var buffer = Buffer(Col("s", ColumnType.String), ["a", "bb", "", "a", "Zürich", "bb", "Zürich", ""]);

        Assert.That(buffer.DictionaryOverflows(limit), Is.EqualTo(overflows));
    }

    [Test]
    public void DictionaryOverflows_EmptyBuffer_False()
    {
        var buffer = Buffer(Col("s", ColumnType.String), []);

        Assert.That(buffer.DictionaryOverflows(0), Is.False);
    }

    private static ColumnBuffer Buffer(ColumnSpec column, IEnumerable<string> lines)
    {
        var contract = Contract(null, column);
        var buffer = ColumnBuffer.For(column, 0, new ColumnSizing(1024, FullGroups: false));
        using var reader = Reader(contract, lines);
        while (reader.Read()) buffer.Append(reader);
        return buffer;
    }
}
