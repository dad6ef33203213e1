using System.Text.Json;
using EtlFunction.Contracts.Store;
using EtlFunction.Errors;
using EtlFunction.Steps;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Contracts.Store;

/// <summary>
/// Contract precedence (store, then the image's folder, then inference), the refusal of an invalid stored
/// contract, and the record of which contract a run used — in the run state, the manifest and the ledger —
/// read back from the table, the rejects and the ledger.
/// </summary>
public class ContractStoreTests
{
    private ScoresFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new ScoresFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    [Test]
    public async Task Run_StoreAndImageBothHaveContract_StoreWins()
    {
        _f.ImageContract(ScoresFixture.V1);
        var store = new VersionedFakeContractStore();
        var published = await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V2));
        _f.Land("a.csv");

        var state = await ScoresFixture.RunAsync(_f.Context(store), "a.csv");

        Assert.That(_f.Table(), Is.EqualTo(new[] { "1|10", "3|40" }), "v2 (max 50) rejects score 70");
        Assert.That(state.RowsRejected, Is.EqualTo(1));
        var rejects = await _f.Store.GetTextAsync(state.Rejects!.Bucket, state.Rejects.Key);
        Assert.That(rejects, Does.Contain("2,70").And.Contain("score"));
        Assert.That(state.ContractSource, Is.EqualTo(new ContractSourceInfo("fake://contracts/scores.yaml", "v1", ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V2)))));
        Assert.That(published.VersionId, Is.EqualTo("v1"));
    }

    [Test]
    public async Task Run_StoreHasNoContract_ImageFolderUsedAndRecordedWithoutVersion()
    {
        _f.ImageContract(ScoresFixture.V1);
        var store = new VersionedFakeContractStore();
        _f.Land("a.csv");

        var state = await ScoresFixture.RunAsync(_f.Context(store), "a.csv");

        Assert.That(_f.Table(), Is.EqualTo(new[] { "1|10", "2|70", "3|40" }));
        var file = Path.Combine(_f.ImageFolder, "scores.yaml");
        Assert.That(state.ContractSource, Is.EqualTo(new ContractSourceInfo(Path.GetFullPath(file), null, ContractSourceInfo.HashOf(File.ReadAllBytes(file)))));
        Assert.That(_f.Query("SELECT contract_location, contract_version_id, contract_sha256 FROM _etl_ledger"),
            Is.EqualTo(new[] { $"{Path.GetFullPath(file)}|NULL|{state.ContractSource!.Sha256}" }));
        Assert.That(store.Gets, Is.EqualTo(1), "the store was asked first");
    }

    [Test]
    public async Task Run_NeitherStoreNorImage_InferredAndNoContractSource()
    {
        _f.Land("a.csv");

        var state = await ScoresFixture.RunAsync(_f.Context(new VersionedFakeContractStore()), "a.csv");

        Assert.That(state.ContractInferred, Is.True);
        Assert.That(state.ContractSource, Is.Null);
        Assert.That(_f.Query("SELECT contract_location, contract_version_id, contract_sha256 FROM _etl_ledger"), Is.EqualTo(new[] { "NULL|NULL|NULL" }));
    }

    [Test]
    public async Task Preprocess_InvalidContractInStore_ContractViolationAndNothingWritten()
    {
        _f.ImageContract(ScoresFixture.V1); // a valid older contract must not be used instead
        var store = new VersionedFakeContractStore();
        await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V1.Replace("type: int32, checks", "type: int33, checks", StringComparison.Ordinal)));
        _f.Land("a.csv");

        var e = Assert.ThrowsAsync<EtlException>(() => PreprocessStep.RunAsync(_f.Context(store), new PreprocessInput("landing", "scores/a.csv")));

        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("fake://contracts/scores.yaml?versionId=v1").And.Contain("unknown type 'int33'"));
        Assert.That(Directory.Exists(Path.Combine(_f.Root, "store", "processed")), Is.False, "no processed output, no rejects, no stored contract");
        Assert.That(Directory.Exists(Path.Combine(_f.Root, "store", "archive")), Is.False);
        Assert.That(File.Exists(_f.DbPath), Is.False, "no table, no ledger row");
    }

    [Test]
    public async Task Run_ContractChangedInStoreBetweenRuns_NextRunUsesNewVersion()
    {
        var store = new VersionedFakeContractStore();
        await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V2));
        _f.Land("a.csv", "id,score\n1,10\n2,70\n");
        var first = await ScoresFixture.RunAsync(_f.Context(store), "a.csv");
        Assert.That(_f.Table(), Is.EqualTo(new[] { "1|10" }), "v1 of the store (max 50) rejects 70");

        await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V1)); // v2: max 100
        _f.Land("b.csv", "id,score\n2,70\n3,90\n");
        var second = await ScoresFixture.RunAsync(_f.Context(store), "b.csv");

        Assert.That(_f.Table(), Is.EqualTo(new[] { "1|10", "2|70", "3|90" }), "the same score 70 is accepted under v2");
        Assert.That((first.RowsRejected, second.RowsRejected), Is.EqualTo((1L, 0L)));
        Assert.That(_f.Query("SELECT source, contract_version_id, contract_sha256 FROM _etl_ledger ORDER BY source"), Is.EqualTo(new[]
        {
            $"landing/scores/a.csv|v1|{ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V2))}",
            $"landing/scores/b.csv|v2|{ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V1))}",
        }));
        var manifest = await _f.Store.GetTextAsync(second.Manifest!.Bucket, second.Manifest.Key);
        using var doc = JsonDocument.Parse(manifest);
        var source = doc.RootElement.GetProperty("run").GetProperty("contractSource");
        Assert.That(source.GetProperty("location").GetString(), Is.EqualTo("fake://contracts/scores.yaml"));
        Assert.That(source.GetProperty("versionId").GetString(), Is.EqualTo("v2"));
        Assert.That(source.GetProperty("sha256").GetString(), Is.EqualTo(ContractSourceInfo.HashOf(ScoresFixture.Bytes(ScoresFixture.V1))));
    }

    [Test]
    public async Task Load_ContractPublishedAfterPreprocess_RunKeepsTheVersionItStartedWith()
    {
        var store = new VersionedFakeContractStore();
        await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V1));
        _f.Land("a.csv");
        var ctx = _f.Context(store);
        var pre = await PreprocessStep.RunAsync(ctx, new PreprocessInput("landing", "scores/a.csv"));

        await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V2.Replace("load: {mode: upsert}", "load: {mode: append}", StringComparison.Ordinal)));
        var load = await LoadStep.RunAsync(ctx, pre);
        var archive = await ArchiveStep.RunAsync(ctx, pre);
        var final = await FinalizeStep.RunAsync(ctx, LocalPipeline.Merge(load, archive));

        Assert.That(_f.Table(), Is.EqualTo(new[] { "1|10", "2|70", "3|40" }));
        Assert.That(_f.Query("SELECT load_mode, contract_version_id FROM _etl_ledger"), Is.EqualTo(new[] { "upsert|v1" }));
        Assert.That(final.RowsArchived, Is.EqualTo(3));
        Assert.That(final.ContractSource!.VersionId, Is.EqualTo("v1"));
    }

    [Test]
    public async Task FolderStore_PutThenGet_SameBytesNoVersion()
    {
        var dir = Path.Combine(_f.Root, "contract-store");
        var store = new FolderContractStore(dir);
        Assert.That(await store.GetAsync("scores"), Is.Null);

        var put = await store.PutAsync("scores", ScoresFixture.Bytes(ScoresFixture.V1));
        var got = await store.GetAsync("scores");

        Assert.That(got!.Bytes, Is.EqualTo(ScoresFixture.Bytes(ScoresFixture.V1)));
        Assert.That((got.Location, got.VersionId), Is.EqualTo((Path.Combine(Path.GetFullPath(dir), "scores.yaml"), (string?)null)));
        Assert.That(put.SourceInfo, Is.EqualTo(got.SourceInfo));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1), "no temporary file left");
    }

    [TestCase("s3://bucket/_contracts/", "bucket", "_contracts/")]
    [TestCase("s3://bucket/team/contracts", "bucket", "team/contracts/")]
    [TestCase("s3://bucket", "bucket", "_contracts/")]
    [TestCase("s3://bucket/", "bucket", "_contracts/")]
    public void TryParseS3_Address_BucketAndPrefix(string setting, string bucket, string prefix)
    {
        Assert.That(ContractStoreLocation.TryParseS3(setting, out var b, out var p), Is.True);
        Assert.That((b, p), Is.EqualTo((bucket, prefix)));
    }

    [Test]
    public void Open_NotAnS3Address_FolderStoreAndNoS3Client()
    {
        var store = ContractStoreLocation.Open(_f.Root, () => throw new AssertionException("no S3 client for a folder"));
        Assert.That(store, Is.InstanceOf<FolderContractStore>());
        Assert.Throws<EtlException>(() => ContractStoreLocation.TryParseS3("s3:///x", out _, out _));
    }
}
