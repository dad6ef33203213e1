using System.Globalization;
using EtlFunction.Contracts;
using EtlFunction.Generator;
using EtlFunction.Parquet;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// The whole pipeline through the real binary against the S3 emulator and MariaDB: every check is on
/// data — table rows, sums, NULL counts, the Parquet read back from S3 — never on status codes.
/// </summary>
[NonParallelizable]
public class S3MySqlRunTests
{
    private static string Sample(string name) => Path.Combine(RepoPaths.Samples, name);

    [Test]
    public async Task Run_OrdersSample_OnS3AndMySql_MatchesTheLocalRunAndTheTruth()
    {
        await using var s = await PipelineServices.StartAsync("orders");
        var r = await s.RunAsync(["run", Sample("orders.csv"), "--json", .. s.Options]);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var j = r.Json;
        var truth = new OrdersGenerator(5000, 42).ComputeTruth();
        var written = j.GetProperty("rowsWritten").GetInt64();
        Assert.That(written, Is.EqualTo(truth.Written));
        Assert.That(j.GetProperty("rowsDeduplicated").GetInt64(), Is.EqualTo(truth.SupersededDuplicates));
        Assert.That(j.GetProperty("database").GetString(), Does.StartWith("mysql://"));

        // The same file through the embedded defaults gives the same counts (the run id differs: it includes the bucket).
        var local = await s.RunAsync(["run", Sample("orders.csv"), "--json", "--store", Path.Combine(s.Work, "local"), "--contracts", RepoPaths.Contracts]);
        Assert.That(local.ExitCode, Is.Zero, local.Stderr);
        foreach (var field in new[] { "rowsRead", "rowsWritten", "rowsFiltered", "rowsRejected", "rowsDeduplicated", "rowsLoaded" })
        {
            Assert.That(j.GetProperty(field).ToString(), Is.EqualTo(local.Json.GetProperty(field).ToString()), field);
        }

        // MySQL holds exactly the processed rows.
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(written));
        Assert.That(Convert.ToDecimal(s.Db.Scalar("SELECT SUM(amount) FROM orders"), CultureInfo.InvariantCulture), Is.EqualTo(truth.SumAmount));
        Assert.That(s.Db.Count("SELECT SUM(quantity) FROM orders"), Is.EqualTo(truth.SumQuantity));
        Assert.That(s.Db.Count("SELECT SUM(is_gift) FROM orders"), Is.EqualTo(truth.GiftTrue));

        // NULLs survive: as many NULL notes in MySQL as in the processed CSV on S3, and no empty strings made up.
        var processed = PipelineServices.Split(j.GetProperty("processed").GetString()!);
        var contract = ContractLoader.LoadFile(Path.Combine(RepoPaths.Contracts, "orders.yaml"));
        long nullNotes = 0, rows = 0;
        decimal csvAmount = 0;
        using (var reader = new CanonicalCsvReader(new MemoryStream(await s.GetBytesAsync(processed.Bucket, processed.Key)), contract))
        {
            var note = contract.IndexOf("note");
            var amount = contract.IndexOf("amount");
            while (reader.Read())
            {
                rows++;
                if (reader.IsNull(note)) nullNotes++;
                csvAmount += reader.GetInt64(amount) / 100m;
            }
        }
        Assert.That(rows, Is.EqualTo(written));
        Assert.That(nullNotes, Is.GreaterThan(0));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders WHERE note IS NULL"), Is.EqualTo(nullNotes));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders WHERE note = ''"), Is.Zero);
        Assert.That(csvAmount, Is.EqualTo(truth.SumAmount));

        // The Parquet archive read back from S3 has the same rows and the same total.
        var parquetRows = 0L;
        var parquetAmount = 0m;
        foreach (var a in j.GetProperty("archive").EnumerateArray())
        {
            var (bucket, key) = PipelineServices.Split(a.GetString()!);
            Assert.That(bucket, Is.EqualTo(s.Archive.Name));
            var file = ParquetReadBack.Read(await s.GetBytesAsync(bucket, key));
            parquetRows += file.RowCount;
            parquetAmount += file.Values("amount").Sum(v => (decimal)v!);
        }
        Assert.That(parquetRows, Is.EqualTo(written));
        Assert.That(parquetAmount, Is.EqualTo(truth.SumAmount));

        // The manifest on S3 carries the same counts.
        var manifest = PipelineServices.Split(j.GetProperty("manifest").GetString()!);
        using var doc = System.Text.Json.JsonDocument.Parse(await s.GetBytesAsync(manifest.Bucket, manifest.Key));
        Assert.That(doc.RootElement.GetProperty("run").GetProperty("rowsLoaded").GetInt64(), Is.EqualTo(written));
    }

    [Test]
    public async Task Run_TitanicSample_OnS3AndMySql_NullsAndCountsAgree()
    {
        await using var s = await PipelineServices.StartAsync("titanic");
        var r = await s.RunAsync(["run", Sample("titanic.csv"), "--dataset", "titanic", "--json", .. s.Options]);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var written = r.Json.GetProperty("rowsWritten").GetInt64();
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM titanic_survivors"), Is.EqualTo(written));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM titanic_survivors WHERE survived <> 1 OR age IS NULL"), Is.Zero);
        var parquet = PipelineServices.Split(r.Json.GetProperty("archive")[0].GetString()!);
        var file = ParquetReadBack.Read(await s.GetBytesAsync(parquet.Bucket, parquet.Key));
        Assert.That(file.RowCount, Is.EqualTo(written));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM titanic_survivors WHERE cabin IS NULL"), Is.EqualTo(file.Values("cabin").Count(v => v is null)));
    }

    [Test]
    public async Task Run_SameObjectTwice_LoadsOnce_ChangedObjectIsANewRunAndUpserts()
    {
        await using var s = await PipelineServices.StartAsync("idem");
        var file = Path.Combine(s.Work, "orders.csv");
        File.Copy(Sample("orders.csv"), file);
        var first = await s.RunAsync(["run", file, "--json", .. s.Options]);
        var second = await s.RunAsync(["run", file, "--json", .. s.Options]);
        Assert.That(first.ExitCode + second.ExitCode, Is.Zero, first.Stderr + second.Stderr);
        Assert.That(second.Json.GetProperty("runId").GetString(), Is.EqualTo(first.Json.GetProperty("runId").GetString()));
        Assert.That(second.Json.GetProperty("alreadyLoaded").GetBoolean(), Is.True);
        var written = first.Json.GetProperty("rowsWritten").GetInt64();
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(written));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(1));

        // Same key, changed content: a new run id, and the upsert changes the row in place.
        var lines = File.ReadAllLines(file);
        var target = Array.FindIndex(lines, l => l.StartsWith("1000001,", StringComparison.Ordinal));
        var fields = lines[target].Split(',');
        fields[4] = "4321.99";
        lines[target] = string.Join(',', fields);
        File.WriteAllLines(file, lines);
        var third = await s.RunAsync(["run", file, "--json", .. s.Options]);
        Assert.That(third.ExitCode, Is.Zero, third.Stderr);
        Assert.That(third.Json.GetProperty("runId").GetString(), Is.Not.EqualTo(first.Json.GetProperty("runId").GetString()));
        Assert.That(third.Json.GetProperty("alreadyLoaded").GetBoolean(), Is.False);
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM _etl_ledger"), Is.EqualTo(2));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM orders"), Is.EqualTo(written));
        Assert.That(Convert.ToDecimal(s.Db.Scalar("SELECT amount FROM orders WHERE order_id = 1000001"), CultureInfo.InvariantCulture), Is.EqualTo(4321.99m));
    }

    [Test]
    public async Task Run_HostileHeaders_BecomeSafeIdentifiersAndNothingIsExecuted()
    {
        await using var s = await PipelineServices.StartAsync("hostile");
        s.Db.Execute("CREATE TABLE sentinel (id INT PRIMARY KEY)");
        s.Db.Execute("INSERT INTO sentinel VALUES (1)");
        var longName = new string('x', 300);
        var header = string.Join(',',
            "id",
            "\"name`; DROP TABLE sentinel; --\"",
            "\"quoted \"\"header\"\"\"",
            longName,
            "名前",
            "\"Robert'); DROP TABLE sentinel;--\"",
            "select");
        var file = Path.Combine(s.Work, "hostile.csv");
        await File.WriteAllTextAsync(file, header + "\n1,a,b,c,d,e,f\n2,'; DROP TABLE sentinel; --,`x`,\"\"\"y\"\"\",z,w,v\n");
        var r = await s.RunAsync(["run", file, "--json", .. s.Options]);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr + r.Stdout);
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM sentinel"), Is.EqualTo(1), "nothing was executed");
        var columns = s.Db.Query($"SELECT column_name FROM information_schema.columns WHERE table_schema = '{s.Db.Database}' AND table_name = 'hostile' ORDER BY ordinal_position")
            .Select(c => (string)c[0]!).ToList();
        Assert.That(columns, Has.Count.EqualTo(7));
        Assert.That(columns.All(Identifiers.IsSafe), Is.True, string.Join(" | ", columns));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM hostile"), Is.EqualTo(2));
        var row = s.Db.Query("SELECT * FROM hostile WHERE id = 2").Single();
        Assert.That(row.Skip(1).Select(v => (string)v!), Is.EqualTo(new[] { "'; DROP TABLE sentinel; --", "`x`", "\"y\"", "z", "w", "v" }));
    }
}
