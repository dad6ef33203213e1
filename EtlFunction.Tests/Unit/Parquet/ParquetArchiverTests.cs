using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Parquet;
using ParquetSharp;
using static EtlFunction.Tests.Unit.Parquet.ParquetTestData;

namespace EtlFunction.Tests.Unit.Parquet;

public sealed class ParquetArchiverTests
{
    private static readonly DatasetContract AllTypes = Contract(null,
        Col("id", ColumnType.Int64, nullable: false),
        Col("i32", ColumnType.Int32),
        Col("i64", ColumnType.Int64),
        Col("amount", ColumnType.Decimal(18, 4)),
        Col("price", ColumnType.Decimal(9, 2)),
        Col("ratio", ColumnType.Double),
        Col("flag", ColumnType.Bool),
        Col("day", ColumnType.Date),
        Col("at", ColumnType.Timestamp),
        Col("name", ColumnType.String));

    private static readonly string[] AllTypesRows =
    [
        "1,2147483647,9223372036854775807,99999999999999.9999,9999999.99,1.5,true,1969-12-31,1969-12-31 23:59:59.999999,Zürich ✓ 日本 🚀",
        "2,-2147483648,-9223372036854775808,-99999999999999.9999,-9999999.99,-2.5E-300,false,0001-01-01,2024-02-29 12:34:56.123456,\"\"",
        "3,,,,,,,,,",
        "4,0,0,-0.0001,-0.01,0,true,9999-12-31,1970-01-01 00:00:00,\"a,\"\"quoted\"\" value\"",
        "5,42,-1,0.0000,0.00,1.7976931348623157E+308,false,1900-03-01,1900-03-01 00:00:00.000001,\"line1\nline2\"",
    ];

    [Test]
    public void Write_AllTypesWithNulls_ReadsBackSameValues()
    {
        var (parts, files) = Archive(AllTypes, AllTypesRows);

        Assert.That(parts, Is.EqualTo(new[] { new ArchivedPart("2024-05-01", 5) }));
        var back = files.Read("2024-05-01");
        Assert.That(back.RowCount, Is.EqualTo(5));
        Assert.Multiple(() =>
        {
            Assert.That(back.Values("id"), Is.EqualTo(new object?[] { 1L, 2L, 3L, 4L, 5L }));
            Assert.That(back.Values("i32"), Is.EqualTo(new object?[] { 2147483647L, -2147483648L, null, 0L, 42L }));
            Assert.That(back.Values("i64"), Is.EqualTo(new object?[] { long.MaxValue, long.MinValue, null, 0L, -1L }));
            Assert.That(back.Values("amount"), Is.EqualTo(new object?[] { 99999999999999.9999m, -99999999999999.9999m, null, -0.0001m, 0m }));
            Assert.That(back.Values("price"), Is.EqualTo(new object?[] { 9999999.99m, -9999999.99m, null, -0.01m, 0m }));
            Assert.That(back.Values("ratio"), Is.EqualTo(new object?[] { 1.5, -2.5E-300, null, 0.0, double.MaxValue }));
            Assert.That(back.Values("flag"), Is.EqualTo(new object?[] { true, false, null, true, false }));
            Assert.That(back.Values("day"), Is.EqualTo(new object?[]
            {
                new DateOnly(1969, 12, 31), DateOnly.MinValue, null, DateOnly.MaxValue, new DateOnly(1900, 3, 1),
            }));
            Assert.That(back.Values("at"), Is.EqualTo(new object?[]
            {
                Utc("1969-12-31 23:59:59.999999"), Utc("2024-02-29 12:34:56.123456"), null,
                DateTime.UnixEpoch, Utc("1900-03-01 00:00:00.000001"),
            }));
            Assert.That(back.Values("name"), Is.EqualTo(new object?[] { "Zürich ✓ 日本 🚀", "", null, "a,\"quoted\" value", "line1\nline2" }));
        });
        var at = (DateTime)back.Values("at")[1]!;
        Assert.That(at.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public void Write_AllTypes_MapsContractTypesToParquetTypes()
    {
        var (_, files) = Archive(AllTypes, AllTypesRows);

        var columns = files.Read("2024-05-01").Columns.ToDictionary(c => c.Name);
        Assert.Multiple(() =>
        {
            Assert.That(columns["id"], Is.EqualTo(new ParquetColumnInfo("id", PhysicalType.Int64, "None", false)));
            Assert.That(columns["i32"], Is.EqualTo(new ParquetColumnInfo("i32", PhysicalType.Int32, "None", true)));
            Assert.That(columns["i64"].PhysicalType, Is.EqualTo(PhysicalType.Int64));
            Assert.That(columns["amount"], Is.EqualTo(new ParquetColumnInfo("amount", PhysicalType.Int64, "Decimal(precision=18, scale=4)", true)));
            Assert.That(columns["price"], Is.EqualTo(new ParquetColumnInfo("price", PhysicalType.Int32, "Decimal(precision=9, scale=2)", true)));
            Assert.That(columns["ratio"].PhysicalType, Is.EqualTo(PhysicalType.Double));
            Assert.That(columns["flag"].PhysicalType, Is.EqualTo(PhysicalType.Boolean));
            Assert.That(columns["day"], Is.EqualTo(new ParquetColumnInfo("day", PhysicalType.Int32, "Date", true)));
            Assert.That(columns["at"].PhysicalType, Is.EqualTo(PhysicalType.Int64));
            Assert.That(columns["at"].LogicalType, Does.Contain("isAdjustedToUTC=true").And.Contain("timeUnit=microseconds"));
            Assert.That(columns["name"], Is.EqualTo(new ParquetColumnInfo("name", PhysicalType.ByteArray, "String", true)));
        });
    }

    private static readonly bool[] RequiredRequiredOptional = [false, false, true];

    [Test]
    public void Write_RequiredAndOptionalColumns_SetsRepetitionFromContract()
    {
        var contract = Contract(null, Col("k", ColumnType.Int32, nullable: false), Col("s", ColumnType.String, nullable: false), Col("o", ColumnType.Date));
        var (_, files) = Archive(contract, ["1,a,2024-01-01", "2,\"\","]);

        var back = files.Read("2024-05-01");
        Assert.That(back.Columns.Select(c => c.Nullable), Is.EqualTo(RequiredRequiredOptional));
        Assert.That(back.Values("s"), Is.EqualTo(new object?[] { "a", "" }));
        Assert.That(back.Values("o"), Is.EqualTo(new object?[] { new DateOnly(2024, 1, 1), null }));
    }

    [Test]
    public void Write_NullInRequiredColumn_ThrowsInvalidInput()
    {
        var contract = Contract(null, Col("k", ColumnType.Int64, nullable: false), Col("v", ColumnType.Int64));
        var e = Assert.Throws<EtlException>(() => Archive(contract, ["1,1", ",2"]));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("row 2").And.Contain("column k"));
    }

    [Test]
    public void Write_Int32ValueOutOfRange_ThrowsInvalidInput()
    {
        var contract = Contract(null, Col("v", ColumnType.Int32));
        var e = Assert.Throws<EtlException>(() => Archive(contract, ["2147483648"]));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
    }

    [Test]
    public void Write_2500RowsWithRowGroupRows1000_WritesThreeRowGroups()
    {
        var contract = Contract(new ArchiveOptions { RowGroupRows = 1000 }, Col("n", ColumnType.Int64, nullable: false), Col("s", ColumnType.String));
        var lines = Enumerable.Range(0, 2500).Select(i => i % 7 == 0 ? $"{i}," : $"{i},v{i}");

        var (parts, files) = Archive(contract, lines);

        var back = files.Read("2024-05-01");
        Assert.That(parts.Single().Rows, Is.EqualTo(2500));
        Assert.That(back.RowGroupRows, Is.EqualTo(new long[] { 1000, 1000, 500 }));
        Assert.That(back.Values("n"), Is.EqualTo(Enumerable.Range(0, 2500).Select(i => (object?)(long)i)));
        Assert.That(back.Values("s"), Is.EqualTo(Enumerable.Range(0, 2500).Select(i => i % 7 == 0 ? null : (object?)$"v{i}")));
    }

    [TestCase(null)]
    [TestCase("day")]
    public void Write_LaterRowGroupsLongerAndSparser_ReusedBuffersKeepEveryValue(string? partitionBy)
    {
        // Pre-sized (no partition column) or doubling (partitioned) buffers are reused across row groups;
        // later groups have longer strings than the first and another NULL pattern, so the reused arrays
        // must grow and must not leak values of the group before.
        var contract = Contract(new ArchiveOptions { RowGroupRows = 1000, PartitionBy = partitionBy },
            Col("n", ColumnType.Int64, nullable: false), Col("q", ColumnType.Int32), Col("day", ColumnType.Date, nullable: false), Col("s", ColumnType.String));
        static string Text(int i) => new string('x', i / 100) + i.ToString(CultureInfo.InvariantCulture);
        static bool NoQ(int i) => i < 1000 ? i % 3 == 0 : i % 5 == 0;
        static bool NoS(int i) => i < 1000 ? i % 2 == 0 : i % 7 == 0;
        var lines = Enumerable.Range(0, 3500).Select(i => $"{i},{(NoQ(i) ? "" : (i * 3).ToString(CultureInfo.InvariantCulture))},2024-05-01,{(NoS(i) ? "" : Text(i))}");

        var (parts, files) = Archive(contract, lines);

        var back = files.Read("2024-05-01");
        Assert.That(parts.Single().Rows, Is.EqualTo(3500));
        Assert.That(back.RowGroupRows, Is.EqualTo(new long[] { 1000, 1000, 1000, 500 }));
        Assert.That(back.Values("n"), Is.EqualTo(Enumerable.Range(0, 3500).Select(i => (object?)(long)i)));
        Assert.That(back.Values("q"), Is.EqualTo(Enumerable.Range(0, 3500).Select(i => NoQ(i) ? null : (object?)(long)(i * 3))));
        Assert.That(back.Values("s"), Is.EqualTo(Enumerable.Range(0, 3500).Select(i => NoS(i) ? null : (object?)Text(i))));
    }

    [Test]
    public void Write_OutputFailsWhileRowGroupIsEncoded_ThrowsThatFailureToCaller()
    {
        var contract = Contract(new ArchiveOptions { RowGroupRows = 1000 }, Col("n", ColumnType.Int64, nullable: false), Col("s", ColumnType.String));
        using var reader = Reader(contract, Enumerable.Range(0, 5000).Select(i => $"{i},v{i}"));
        var failing = new FailingStream();

        var e = Assert.Throws<IOException>(() => ParquetArchiver.Write(reader, contract, "2024-05-01", _ => failing));

        Assert.That(e!.Message, Is.EqualTo(FailingStream.Message));
        Assert.That(failing.Attempts, Is.EqualTo(1), "the first failed row group stops the archive");
    }

    [TestCase("snappy", Compression.Snappy)]
    [TestCase("zstd", Compression.Zstd)]
    [TestCase("gzip", Compression.Gzip)]
    [TestCase("none", Compression.Uncompressed)]
    public void Write_Compression_RecordedInColumnChunkMetadata(string name, Compression expected)
    {
        var contract = AllTypes with { Archive = new ArchiveOptions { Compression = name } };
        var (_, files) = Archive(contract, AllTypesRows);

        var back = files.Read("2024-05-01");
        Assert.That(back.Compressions, Has.Count.EqualTo(10).And.All.EqualTo(expected));
        Assert.That(back.Values("name")[0], Is.EqualTo("Zürich ✓ 日本 🚀"));
    }

    [Test]
    public void Write_UnknownCompression_ThrowsContractViolation()
    {
        var contract = AllTypes with { Archive = new ArchiveOptions { Compression = "lz4" } };
        var e = Assert.Throws<EtlException>(() => Archive(contract, AllTypesRows));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
    }

    [Test]
    public void Write_LowAndHighCardinalityColumns_DictionaryOnlyWhereItPays()
    {
        // The third column is low-cardinality in the first row group and distinct from the second on.
        var contract = Contract(new ArchiveOptions { RowGroupRows = 100_000 },
            Col("city", ColumnType.String), Col("id", ColumnType.Int64), Col("late", ColumnType.Int64));
        string[] cities = ["Zürich", "Lagos", "Lima"];
        var outputs = new Outputs();
        using (var reader = Reader(contract, Enumerable.Range(0, 200_000).Select(i => $"{cities[i % 3]},{i * 7919L},{(i < 100_000 ? i % 7 : i)}")))
        {
            ParquetArchiver.Write(reader, contract, "2024-05-01", outputs.Open);
        }

        using var file = new ParquetFileReader(new MemoryStream(outputs.Bytes("2024-05-01")));
        Assert.That(file.FileMetaData.NumRowGroups, Is.EqualTo(2));
        using var first = file.RowGroup(0);
        using var second = file.RowGroup(1);
        var city = first.MetaData.GetColumnChunkMetaData(0);
        Assert.That(city.Encodings, Does.Contain(ParquetSharp.Encoding.RleDictionary));
        Assert.That(city.TotalUncompressedSize, Is.LessThan(100_000), "3 cities dictionary-encoded: about 1 bit a value, not ~9 bytes plain");
        foreach (var rowGroup in new[] { first, second })
        {
            var id = rowGroup.MetaData.GetColumnChunkMetaData(1);
            Assert.That(id.Encodings, Does.Not.Contain(ParquetSharp.Encoding.RleDictionary).And.Not.Contain(ParquetSharp.Encoding.PlainDictionary),
                "100,000 distinct ids in the first row group: no dictionary is built for them in this file");
            Assert.That(id.TotalUncompressedSize, Is.LessThan(100_000 * 8 * 105 / 100), "plain: 8 bytes an id");
        }
        Assert.That(first.MetaData.GetColumnChunkMetaData(2).Encodings, Does.Contain(ParquetSharp.Encoding.RleDictionary));
        var late = second.MetaData.GetColumnChunkMetaData(2);
        Assert.That(late.Encodings, Does.Contain(ParquetSharp.Encoding.RleDictionary).And.Contain(ParquetSharp.Encoding.Plain),
            "decided on the first row group: the column keeps its dictionary and the writer falls back within the second");
        Assert.That(late.TotalUncompressedSize, Is.LessThan(100_000 * 8 * 115 / 100), "the dictionary was capped before it held every value");
    }

    [Test]
    public void Write_KeyValueMetadata_NamesDatasetAndContractFingerprint()
    {
        var (_, files) = Archive(AllTypes, AllTypesRows);

        var kv = files.Read("2024-05-01").KeyValueMetadata;
        Assert.That(kv[ParquetLayout.DatasetKey], Is.EqualTo("test_ds"));
        Assert.That(kv[ParquetLayout.FingerprintKey], Is.EqualTo(AllTypes.Fingerprint));
    }

    [Test]
    public void Write_PartitionByDate_WritesOneFilePerDayWithRightCounts()
    {
        var contract = Contract(new ArchiveOptions { PartitionBy = "day" }, Col("id", ColumnType.Int64, nullable: false), Col("day", ColumnType.Date));
        var days = new[] { "2024-01-02", "2024-01-01", "", "2024-01-02", "1969-07-20", "2024-01-02", "" };
        var lines = days.Select((d, i) => $"{i},{d}");

        var (parts, files) = Archive(contract, lines, fallbackDt: "2030-01-01");

        Assert.That(parts, Is.EqualTo(new[]
        {
            new ArchivedPart("1969-07-20", 1), new ArchivedPart("2024-01-01", 1),
            new ArchivedPart("2024-01-02", 3), new ArchivedPart(ParquetLayout.NullPartition, 2),
        }));
        Assert.That(files.Dts, Is.EquivalentTo(parts.Select(p => p.Dt)));
        Assert.That(files.Read("2024-01-02").Values("id"), Is.EqualTo(new object?[] { 0L, 3L, 5L }));
        Assert.That(files.Read("__null__").Values("day"), Is.EqualTo(new object?[] { null, null }));
        Assert.That(files.Read("__null__").Values("id"), Is.EqualTo(new object?[] { 2L, 6L }));
    }

    [Test]
    public void Write_PartitionByTimestamp_UsesUtcDayOfEachValue()
    {
        var contract = Contract(new ArchiveOptions { PartitionBy = "at" }, Col("at", ColumnType.Timestamp));
        string[] lines = ["2024-01-01 23:59:59.999999", "2024-01-02 00:00:00", "1969-12-31 23:00:00", "1970-01-01 00:00:00"];

        var (parts, files) = Archive(contract, lines);

        Assert.That(parts.Select(p => (p.Dt, p.Rows)), Is.EqualTo(new[]
        {
            ("1969-12-31", 1L), ("1970-01-01", 1L), ("2024-01-01", 1L), ("2024-01-02", 1L),
        }));
        Assert.That(files.Read("2024-01-01").Values("at"), Is.EqualTo(new object?[] { Utc("2024-01-01 23:59:59.999999") }));
    }

    [Test]
    public void Write_ManyPartitionsOverGlobalCap_FlushesEarlyAndKeepsEveryRow()
    {
        var contract = Contract(new ArchiveOptions { PartitionBy = "day", RowGroupRows = 1000 },
            Col("id", ColumnType.Int64, nullable: false), Col("day", ColumnType.Date), Col("s", ColumnType.String));
        var lines = Enumerable.Range(0, 3000).Select(i => $"{i},{new DateOnly(2024, 1, 1).AddDays(i % 30):yyyy-MM-dd},s{i}");
        var outputs = new Outputs();

        using var reader = Reader(contract, lines);
        var parts = ParquetArchiver.Write(reader, contract, "2024-05-01", outputs.Open, maxBufferedRows: 250, maxBufferedBytes: long.MaxValue);

        Assert.That(parts, Has.Count.EqualTo(30).And.All.Property(nameof(ArchivedPart.Rows)).EqualTo(100));
        var first = outputs.Read("2024-01-01");
        Assert.That(first.RowGroupRows.Count, Is.GreaterThan(1), "the global cap must have flushed partial row groups");
        Assert.That(first.RowGroupRows.Sum(), Is.EqualTo(100));
        Assert.That(first.Values("id"), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (object?)(long)(i * 30))));
        Assert.That(first.Values("s"), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (object?)$"s{i * 30}")));
    }

    [Test]
    public void Write_BufferedBytesOverCap_FlushesEarly()
    {
        var contract = Contract(new ArchiveOptions { RowGroupRows = 100_000 }, Col("s", ColumnType.String, nullable: false));
        var lines = Enumerable.Range(0, 10_000).Select(i => new string((char)('a' + i % 26), 100));
        var outputs = new Outputs();

        using var reader = Reader(contract, lines);
        ParquetArchiver.Write(reader, contract, "2024-05-01", outputs.Open, maxBufferedRows: int.MaxValue, maxBufferedBytes: 100_000);

        var back = outputs.Read("2024-05-01");
        Assert.That(back.RowGroupRows, Has.Count.GreaterThan(1));
        Assert.That(back.RowCount, Is.EqualTo(10_000));
        Assert.That(back.Values("s")[9_999], Is.EqualTo(new string((char)('a' + 9_999 % 26), 100)));
    }

    [Test]
    public void Write_NonSeekableOutput_WritesReadableFile()
    {
        var sink = new MemoryStream();
        var nonSeekable = new NonSeekableStream(sink);
        using var reader = Reader(AllTypes, AllTypesRows);

        var parts = ParquetArchiver.Write(reader, AllTypes, "2024-05-01", _ => nonSeekable);

        Assert.That(parts.Single().Rows, Is.EqualTo(5));
        Assert.That(nonSeekable.Writes, Is.LessThan(5), "small native writes are coalesced");
        Assert.That(ParquetReadBack.Read(sink.ToArray()).Values("price")[1], Is.EqualTo(-9999999.99m));
    }

    [Test]
    public void Write_EachRowGroup_ReachesCallerStreamWhenFlushed()
    {
        var contract = Contract(new ArchiveOptions { RowGroupRows = 1000 }, Col("n", ColumnType.Int64));
        var nonSeekable = new NonSeekableStream(new MemoryStream());
        using var reader = Reader(contract, Enumerable.Range(0, 2500).Select(i => i.ToString(CultureInfo.InvariantCulture)));

        ParquetArchiver.Write(reader, contract, "2024-05-01", _ => nonSeekable);

        Assert.That(nonSeekable.Writes, Is.GreaterThanOrEqualTo(4), "one block per row group, then the footer: nothing waits for the end");
    }

    [Test]
    public void Write_EmptyInputWithoutPartitionColumn_WritesEmptyFileWithSchema()
    {
        var (parts, files) = Archive(AllTypes, []);

        Assert.That(parts, Is.EqualTo(new[] { new ArchivedPart("2024-05-01", 0) }));
        var back = files.Read("2024-05-01");
        Assert.That(back.RowCount, Is.Zero);
        Assert.That(back.Columns, Has.Count.EqualTo(10));
    }

    [Test]
    public void Write_EmptyInputWithPartitionColumn_WritesNothing()
    {
        var contract = Contract(new ArchiveOptions { PartitionBy = "day" }, Col("day", ColumnType.Date));
        var (parts, files) = Archive(contract, []);

        Assert.That(parts, Is.Empty);
        Assert.That(files.Dts, Is.Empty);
    }

    [TestCase("2024-5-1")]
    [TestCase("../x")]
    [TestCase("")]
    public void Write_InvalidFallbackDt_ThrowsArgumentException(string dt)
    {
        Assert.Throws<ArgumentException>(() => Archive(AllTypes, AllTypesRows, dt));
    }

    private static DateTime Utc(string text) =>
        DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
