using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using static EtlFunction.Tests.Integration.Database.MySqlTableLoaderTests;
using static EtlFunction.Tests.Support.TableData;

namespace EtlFunction.Tests.Integration.Database;

/// <summary>Failures roll everything back: warnings as data loss, NULLs, malformed files, cancellation, a failure deep into a large load.</summary>
[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]
public sealed class MySqlTableLoaderFailureTests(string server) : MySqlLoaderFixture(server)
{
    private List<object?[]> OrderRows() => Db.Query("SELECT id, name, amount FROM orders ORDER BY id");

    private static IEnumerable<object?[]> ManyOrders(int count, string name) =>
        Enumerable.Range(1, count).Select(i => new object?[] { (long)i, name + i, (long)i });

    [Test]
    public async Task Load_LoadDataInsideTheTransaction_IsRolledBackByInnoDb()
    {
        // LOAD DATA runs to the end (rows 1 and 3 go in, row 2 is cut with a warning); only the warning
        // check after the statement fails the load, so the rows already in the table must be rolled back.
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "old", 1m]);
        var contract = Orders(LoadMode.Append);
        Db.Execute("CREATE TABLE narrow (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(3) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL, amount DECIMAL(10,2) NULL) ENGINE=InnoDB");
        var narrow = contract with { Table = "narrow", Columns = [contract.Columns[0], contract.Columns[1] with { Check = new Condition { MaxLength = 3 } }, contract.Columns[2]] };

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r2", narrow, [1L, "abc", 1m], [2L, "abcd", 2m], [3L, "x", 3m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.DataLossError));
        Assert.That(e.Message, Does.Contain("LOAD DATA into table `narrow` would have changed values").And.Contain("1265").And.Contain("'name' at row 2"));
        Assert.That(Db.Count("SELECT COUNT(*) FROM narrow"), Is.Zero, "rows 1 and 3 were inserted by LOAD DATA, then rolled back");
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger WHERE run_id = 'r2'"), Is.Zero);
    }

    [Test]
    public void Load_StringKeyLongerThanTheDefaultKeyLength_IsDataLossNotATruncatedKey()
    {
        var contract = Contract("codes", LoadMode.Append, ["code"], Col("code", ColumnType.String, nullable: false));

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadAsync("r1", contract, ["short"], [new string('k', 256)]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.DataLossError));
        Assert.That(e.Message, Does.Contain("string key columns without max_length are VARCHAR(255)"));
        Assert.That(Db.Count("SELECT COUNT(*) FROM codes"), Is.Zero);
    }

    [Test]
    public async Task Load_DecimalWithMoreDigitsThanTheColumn_IsDataLoss()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        var bytes = "id,name,amount\n2,b,2.00\n3,c,3.999\n"u8.ToArray(); // hand-edited: 3 decimals in DECIMAL(10,2)

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadBytesAsync("r2", Orders(LoadMode.Append), bytes));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.DataLossError), "MySQL only notes the rounding; the loader still refuses it");
        Assert.That(e.Message, Does.Contain("Note 1265"));
        Assert.That(OrderRows(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Load_ReplaceWithNullInNotNullColumnInMiddle_KeepsTheOldRows()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Replace), [1L, "a", 1.5m]);

        var e = Assert.ThrowsAsync<EtlException>(() =>
            Db.LoadAsync("r2", Orders(LoadMode.Replace), [5L, "x", 1m], [null, "bad", 2m], [6L, "y", 3m]));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("NOT NULL").And.Contain("row 2").And.Contain("orders.id"));
        Assert.That(OrderRows(), Is.EqualTo(new[] { new object?[] { 1L, "a", 1.5m } }));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [TestCase(LoadMode.Replace)]
    [TestCase(LoadMode.Upsert)]
    [TestCase(LoadMode.Append)]
    public async Task Load_FailureDeepIntoALargeLoad_LeavesTheTableUnchanged(LoadMode mode)
    {
        var contract = Orders(mode);
        await Db.LoadAsync("r1", contract, ManyOrders(1_000, "old").ToArray());
        var sum = Db.Scalar("SELECT CAST(SUM(amount) AS CHAR) FROM orders");
        // 300,000 rows stream to the server; row 299,990 is malformed, so the stream fails after most rows went in.
        var rows = ManyOrders(300_000, "new").Select(r => new object?[] { (long)r[0]! + 1_000_000, r[1], r[2] }).ToList();
        var csv = System.Text.Encoding.UTF8.GetString(Csv(contract, rows));
        csv = csv.Replace("\n1299990,new299990,", "\n1299990,new299990,not-a-number", StringComparison.Ordinal);

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadBytesAsync("r2", contract, System.Text.Encoding.UTF8.GetBytes(csv)));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.DataLossError).Or.EqualTo(ErrorType.InvalidInput));
        Assert.That(Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1_000));
        Assert.That(Db.Count("SELECT COUNT(*) FROM orders WHERE name LIKE 'old%'"), Is.EqualTo(1_000));
        Assert.That(Db.Scalar("SELECT CAST(SUM(amount) AS CHAR) FROM orders"), Is.EqualTo(sum));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public async Task Load_StreamFailingMidway_RollsBackAndReportsTheStreamsError()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        var bytes = Csv(Orders(LoadMode.Append), ManyOrders(100_000, "n").Skip(1));

        var e = Assert.ThrowsAsync<EtlException>(() => Db.Loader.LoadAsync(new LoadRequest("r2", Orders(LoadMode.Append), "x"),
            _ => Task.FromResult<Stream>(new FailingStream(bytes, failAfter: bytes.Length / 2))));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.TransientError));
        Assert.That(e.Message, Does.Contain("connection reset by S3"));
        Assert.That(OrderRows(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Load_MalformedProcessedCsv_IsInvalidInputAndRollsBack()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        var bytes = "id,name,amount\n2,b,2.00\n3,c,1.00,extra\n"u8.ToArray();

        var e = Assert.ThrowsAsync<EtlException>(() => Db.LoadBytesAsync("r2", Orders(LoadMode.Append), bytes));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("row 2"));
        Assert.That(Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1));
    }

    [Test]
    public async Task Load_Cancelled_RollsBack()
    {
        await Db.LoadAsync("r1", Orders(LoadMode.Append), [1L, "a", 1m]);
        using var cts = new CancellationTokenSource();
        var bytes = Csv(Orders(LoadMode.Append), ManyOrders(100_000, "n").Skip(1));

        Assert.CatchAsync<OperationCanceledException>(() => Db.Loader.LoadAsync(new LoadRequest("r2", Orders(LoadMode.Append), "x"),
            _ => Task.FromResult<Stream>(new FailingStream(bytes, failAfter: bytes.Length / 2, onFail: cts.Cancel)), cts.Token));

        Assert.That(Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(1));
        Assert.That(Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));
    }

    [Test]
    public void Load_ServerUnreachable_IsTransient()
    {
        var loader = new MySqlTableLoader(MySqlSettings.FromConnectionString("Server=127.0.0.1;Port=1;User ID=etl;Password=etl;Database=etl_x;ConnectionTimeout=2"));

        var e = Assert.ThrowsAsync<EtlException>(() => loader.LoadAsync(new LoadRequest("r1", Orders(LoadMode.Append), "x"),
            _ => Task.FromResult<Stream>(new MemoryStream())));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.TransientError));
    }

    /// <summary>A source that breaks (an IOException, or a callback such as a cancellation) after <c>failAfter</c> bytes.</summary>
    private sealed class FailingStream(byte[] data, int failAfter, Action? onFail = null) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= failAfter)
            {
                if (onFail is null) throw new IOException("connection reset by S3");
                onFail();
            }
            return base.Read(buffer, offset, Math.Min(count, 64 << 10));
        }

        public override int Read(Span<byte> buffer)
        {
            var chunk = new byte[Math.Min(buffer.Length, 64 << 10)];
            var n = Read(chunk, 0, chunk.Length);
            chunk.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
