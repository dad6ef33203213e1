using System.Text;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

/// <summary>The object-store contract on a local folder, plus what only the folder store promises.</summary>
public class FolderObjectStoreTests : ObjectStoreContract
{
    private string _root = null!;
    private FolderObjectStore _store = null!;

    protected override IObjectStore Store => _store;
    protected override string Bucket => "b";
    protected override string OtherBucket => "c";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-store-" + Guid.NewGuid().ToString("N"));
        _store = new FolderObjectStore(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    protected override string? EmptyObjectETag => Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash([]));

    [Test]
    public async Task Write_NotVisibleUntilCommit_ThenETagIsXxh128()
    {
        var bytes = Encoding.UTF8.GetBytes("hello, world\n");
        await using (var w = await _store.OpenWriteAsync("b", "a/b/c.csv"))
        {
            await w.Stream.WriteAsync(bytes);
            Assert.That(await _store.HeadAsync("b", "a/b/c.csv"), Is.Null, "invisible before commit");
            var info = await w.CommitAsync();
            Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(bytes))));
            Assert.That(info.Size, Is.EqualTo(bytes.Length));
        }
        Assert.That(await _store.GetTextAsync("b", "a/b/c.csv"), Is.EqualTo("hello, world\n"));
    }

    [Test]
    public void Keys_CannotEscapeTheBucket()
    {
        Assert.That(Assert.Throws<EtlException>(() => _store.PathOf("b", "../../etc/passwd")).Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(Assert.Throws<EtlException>(() => _store.PathOf("..", "x")).Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(Assert.Throws<EtlException>(() => _store.PathOf("b", "/etc/passwd")).Type, Is.EqualTo(ErrorType.InvalidInput));
    }
}
