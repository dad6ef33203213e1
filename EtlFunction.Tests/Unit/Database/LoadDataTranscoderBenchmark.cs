using System.Diagnostics;
using EtlFunction.Contracts;
using EtlFunction.Database;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Unit.Database;

/// <summary>
/// Speed of the LOAD DATA rewrite on 1,000,000 rows x 9 columns, in 1 MB blocks, best of three (run explicitly,
/// in Release: <c>dotnet test EtlFunction.Tests -c Release --filter Category=Benchmark</c>). The same data's
/// output is checked byte for byte in <see cref="LoadDataTranscoderTests"/>, which runs by default.
/// </summary>
[Explicit("benchmark: 1M rows, timed")]
[Category("Benchmark")]
public sealed class LoadDataTranscoderBenchmark
{
    internal static readonly DatasetContract Orders = Contract("t", LoadMode.Append, ["id"],
        Col("id", ColumnType.Int64, nullable: false), Col("email", ColumnType.String), Col("country", ColumnType.String),
        Col("amount", ColumnType.Decimal(12, 2)), Col("day", ColumnType.Date), Col("at", ColumnType.Timestamp),
        Col("gift", ColumnType.Bool), Col("note", ColumnType.String), Col("qty", ColumnType.Int32));

    /// <summary>The processed CSV of 1,000,000 order-like rows (about 100 MB) both tests use.</summary>
    internal static byte[] MillionRowsCsv() => Csv(Orders, Enumerable.Range(0, 1_000_000).Select(i => new object?[]
    {
        (long)i, $"user{i}@example.com", "DE", (long)i * 13, new DateOnly(2024, 1, 1 + i % 28),
        DateTime.UnixEpoch.AddSeconds(1_700_000_000 + i), i % 2 == 0, i % 4 == 0 ? null : i % 4 == 1 ? "" : "gift, \"wrapped\"", i % 100,
    }));

    [Test]
    public void Transcode_MillionRows_IsFasterThan200MBPerSecond()
    {
        var csv = MillionRowsCsv();
        var output = new byte[LoadDataTranscoder.MaxOutput(1 << 20)];

        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var transcoder = new LoadDataTranscoder(Orders);
            long written = 0;
            var sw = Stopwatch.StartNew();
            var at = 0;
            while (at < csv.Length)
            {
                var n = Math.Min(1 << 20, csv.Length - at);
                written += transcoder.Transcode(csv.AsSpan(at, n), at + n == csv.Length, output, out var consumed);
                at += consumed;
            }
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            Assert.That(transcoder.Rows, Is.EqualTo(1_000_000), $"run {run}");
            Assert.That(written, Is.GreaterThan(0), $"run {run}");
        }

        var mbPerSecond = csv.Length / 1e6 / best;
        TestContext.Out.WriteLine($"{csv.Length / 1e6:F0} MB, 1,000,000 rows: {best:F3} s = {mbPerSecond:F0} MB/s");
#if !DEBUG
        Assert.That(mbPerSecond, Is.GreaterThan(200), "the rewrite must not be what limits a load");
#endif
    }
}
