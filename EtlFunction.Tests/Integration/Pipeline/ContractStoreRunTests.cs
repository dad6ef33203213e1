using System.Text;
using EtlFunction.Contracts.Store;
using EtlFunction.Storage;
using EtlFunction.Tests.Integration.Storage;
using EtlFunction.Tests.Unit.Contracts.Store;

namespace EtlFunction.Tests.Integration.Pipeline;

/// <summary>
/// A contract changed in the S3 contract store changes the next run without a new binary: the real executable
/// publishes v1 to <c>s3://&lt;bucket&gt;/_contracts/</c> on the S3 emulator, runs a file into MariaDB, publishes
/// v2 (a tighter check), runs another file — and the table, the rejects, the ledger and the manifest show which
/// contract each run used. The "image" folder given with <c>--contracts</c> holds a third contract that would
/// reject nearly everything: the store wins over it. s3rver keeps no versions, so the version id is null here
/// (the versioned case is <see cref="ContractStoreTests"/> with a fake store).
/// </summary>
[NonParallelizable]
public class ContractStoreRunTests
{
    [Test]
    public async Task Run_ContractPublishedToS3Store_NextRunUsesIt()
    {
        await using var s = await PipelineServices.StartAsync("cstore");
        await using var contracts = await S3TestBucket.CreateAsync("cstore-c");
        var storeUrl = $"s3://{contracts.Name}/_contracts/";
        var image = Path.Combine(s.Work, "image");
        Directory.CreateDirectory(image);
        File.WriteAllText(Path.Combine(image, "scores.yaml"), ScoresFixture.V1.Replace("max: 100", "max: 5", StringComparison.Ordinal));
        string[] Options() => [.. s.Options.Select(o => o == RepoPaths.Contracts ? image : o), "--contract-store", storeUrl, "--dataset", "scores", "--json", "--quiet"];
        string Write(string name, string text)
        {
            var path = Path.Combine(s.Work, name);
            File.WriteAllText(path, text);
            return path;
        }

        var v1 = await s.RunAsync(["contract", "publish", Write("v1.yaml", ScoresFixture.V1), storeUrl, "--json"]);
        Assert.That(v1.ExitCode, Is.Zero, v1.Stderr);
        Assert.That(v1.Json.GetProperty("contractSource").GetProperty("location").GetString(), Is.EqualTo($"{storeUrl}scores.yaml"));
        Assert.That(Encoding.UTF8.GetString(await s.GetBytesAsync(contracts.Name, "_contracts/scores.yaml")), Is.EqualTo(ScoresFixture.V1), "the published bytes, unchanged");

        var first = await s.RunAsync(["run", Write("a.csv", "id,score\n1,10\n2,70\n3,40\n"), .. Options()]);
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);

        var v2 = await s.RunAsync(["contract", "publish", Write("v2.yaml", ScoresFixture.V2), storeUrl]);
        Assert.That(v2.ExitCode, Is.Zero, v2.Stderr);
        var second = await s.RunAsync(["run", Write("b.csv", "id,score\n4,70\n5,20\n"), .. Options()]);
        Assert.That(second.ExitCode, Is.Zero, second.Stderr);

        // The data: 70 was accepted under v1 (max 100), rejected under v2 (max 50); the image's max 5 was never used.
        Assert.That(s.Db.Query("SELECT id, score FROM scores ORDER BY id").Select(r => $"{r[0]}|{r[1]}"), Is.EqualTo(new[] { "1|10", "2|70", "3|40", "5|20" }));
        var rejects = PipelineServices.Split(second.Json.GetProperty("rejects").GetString()!);
        Assert.That(Encoding.UTF8.GetString(await s.GetBytesAsync(rejects.Bucket, rejects.Key)), Does.Contain("4,70"));
        Assert.That(first.Json.GetProperty("rowsRejected").GetInt64(), Is.Zero);

        // The records: the ledger and the manifest name the store object and the sha256 of each version.
        var (sha1, sha2) = (ContractSourceInfo.HashOf(Encoding.UTF8.GetBytes(ScoresFixture.V1)), ContractSourceInfo.HashOf(Encoding.UTF8.GetBytes(ScoresFixture.V2)));
        Assert.That(s.Db.Query("SELECT source, contract_location, contract_version_id, contract_sha256 FROM _etl_ledger ORDER BY source").Select(r => string.Join("|", r)), Is.EqualTo(new[]
        {
            $"{s.Landing.Name}/scores/a.csv|{storeUrl}scores.yaml||{sha1}",
            $"{s.Landing.Name}/scores/b.csv|{storeUrl}scores.yaml||{sha2}",
        }));
        var manifest = PipelineServices.Split(second.Json.GetProperty("manifest").GetString()!);
        using var doc = System.Text.Json.JsonDocument.Parse(await s.GetBytesAsync(manifest.Bucket, manifest.Key));
        var source = doc.RootElement.GetProperty("run").GetProperty("contractSource");
        Assert.That(source.GetProperty("location").GetString(), Is.EqualTo($"{storeUrl}scores.yaml"));
        Assert.That(source.GetProperty("sha256").GetString(), Is.EqualTo(sha2));
        Assert.That(second.Json.GetProperty("contractSource").GetProperty("sha256").GetString(), Is.EqualTo(sha2));
    }

    [Test]
    public async Task Run_InvalidContractInS3Store_ContractViolationAndNothingLoaded()
    {
        await using var s = await PipelineServices.StartAsync("cstore-bad");
        await using var contracts = await S3TestBucket.CreateAsync("cstore-bad-c");
        await s.Store.PutTextAsync(contracts.Name, "_contracts/orders.yaml", "dataset: orders\ncolumns:\n  - {name: order_id, type: int99}\n");

        var r = await s.RunAsync(["run", Path.Combine(RepoPaths.Samples, "orders.csv"), "--json", "--quiet", .. s.Options, "--contract-store", $"s3://{contracts.Name}"]);

        Assert.That(r.ExitCode, Is.EqualTo(4), r.Stderr);
        Assert.That(r.Json.GetProperty("errorType").GetString(), Is.EqualTo("ContractViolation"));
        Assert.That(r.Json.GetProperty("errorMessage").GetString(), Does.Contain($"s3://{contracts.Name}/_contracts/orders.yaml").And.Contain("int99"));
        Assert.That(s.Db.Count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"), Is.Zero, "no table, no ledger");
        var processed = new List<string>();
        await foreach (var o in s.Store.ListAsync(s.Processed.Name, "orders/")) processed.Add(o.Key);
        await foreach (var o in s.Store.ListAsync(s.Archive.Name, "")) processed.Add(o.Key);
        Assert.That(processed, Is.Empty, "no processed output, no stored contract copy, no archive");
    }
}
