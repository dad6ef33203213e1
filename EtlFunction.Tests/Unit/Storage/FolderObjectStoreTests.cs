using System.Security.Cryptography;
using System.Text;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

public class FolderObjectStoreTests
{
    private string _root = null!;
    private FolderObjectStore _store = null!;

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

    [Test]
    public async Task Write_NotVisibleUntilCommit_ThenETagIsMd5()
    {
        var bytes = Encoding.UTF8.GetBytes("hello, world\n");
        await using (var w = await _store.OpenWriteAsync("b", "a/b/c.csv"))
        {
            await w.Stream.WriteAsync(bytes);
            Assert.That(await _store.HeadAsync("b", "a/b/c.csv"), Is.Null, "invisible before commit");
            var info = await w.CommitAsync();
#pragma warning disable CA5351 // S3 ETags are MD5
            Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(bytes))));
#pragma warning restore CA5351
            Assert.That(info.Size, Is.EqualTo(bytes.Length));
        }
        Assert.That(await _store.GetTextAsync("b", "a/b/c.csv"), Is.EqualTo("hello, world\n"));
    }

    [Test]
    public async Task Write_DisposedWithoutCommit_LeavesNothingBehind()
    {
        await _store.PutTextAsync("b", "k.txt", "old");
        await using (var w = await _store.OpenWriteAsync("b", "k.txt"))
        {
            await w.Stream.WriteAsync(Encoding.UTF8.GetBytes("new but abandoned"));
        }
        Assert.That(await _store.GetTextAsync("b", "k.txt"), Is.EqualTo("old"));
        var keys = new List<string>();
        await foreach (var o in _store.ListAsync("b", "")) keys.Add(o.Key);
        Assert.That(keys, Is.EqualTo(new[] { "k.txt" }), "no temp files, no sidecars listed");
    }

    [Test]
    public async Task Copy_ThenDelete_Works()
    {
        await _store.PutTextAsync("b", "x/1.txt", "one");
        await _store.CopyAsync("b", "x/1.txt", "c", "y/2.txt");
        await _store.DeleteAsync("b", "x/1.txt");
        Assert.That(await _store.HeadAsync("b", "x/1.txt"), Is.Null);
        Assert.That(await _store.GetTextAsync("c", "y/2.txt"), Is.EqualTo("one"));
    }

    [Test]
    public void Keys_CannotEscapeTheBucket()
    {
        Assert.Throws<ArgumentException>(() => _store.PathOf("b", "../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => _store.PathOf("..", "x"));
    }

    [Test]
    public void OpenRead_Missing_ThrowsFileNotFound() =>
        Assert.ThrowsAsync<FileNotFoundException>(() => _store.OpenReadAsync("b", "missing"));
}
