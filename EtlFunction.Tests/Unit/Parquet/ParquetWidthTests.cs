using System.Globalization;
using EtlFunction.Contracts;
using static EtlFunction.Tests.Unit.Parquet.ParquetTestData;

namespace EtlFunction.Tests.Unit.Parquet;

/// <summary>Parquet has no column limit of its own (TargetLimits): a table wider than any database still archives.</summary>
public class ParquetWidthTests
{
    [Test]
    public void Write_FiveThousandColumns_ReadsBackEveryColumn()
    {
        const int width = 5000;
        var contract = Contract(null, [.. Enumerable.Range(0, width).Select(i => Col("c" + i.ToString(CultureInfo.InvariantCulture), ColumnType.Int64))]);
        var rows = Enumerable.Range(0, 3).Select(r => string.Join(',', Enumerable.Range(0, width).Select(i => (i * 10 + r).ToString(CultureInfo.InvariantCulture)))).ToArray();

        var (parts, files) = Archive(contract, rows);

        Assert.That(parts.Single().Rows, Is.EqualTo(3));
        var back = files.Read("2024-05-01");
        Assert.That(back.Columns, Has.Count.EqualTo(width));
        Assert.That(back.Values("c4999"), Is.EqualTo(new object?[] { 49990L, 49991L, 49992L }));
    }
}
