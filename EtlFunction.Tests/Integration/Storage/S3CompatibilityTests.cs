using System.Net;
using System.Net.Sockets;
using System.Text;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Integration.Storage;

/// <summary>
/// Why <c>ETL_S3_COMPAT=plain</c> exists, shown on s3rver: with the SDK's defaults an upload over http is
/// sent <c>aws-chunked</c> and s3rver stores the framing as the object's bytes (answering 200 OK), and a
/// copy names its source with <c>%2F</c>, which s3rver cannot find. The contract suite
/// (<see cref="S3ObjectStoreTests"/>) shows that with the setting every byte round-trips. Also: how S3
/// failures surface as typed errors.
/// </summary>
[NonParallelizable]
public sealed class S3CompatibilityTests
{
    private S3TestBucket _bucket = null!;
    private S3ObjectStore _plain = null!, _standard = null!;

    [OneTimeSetUp]
    public async Task CreateBucket()
    {
        _bucket = await S3TestBucket.CreateAsync("compat");
        _plain = new S3ObjectStore(S3TestBucket.Options());
        _standard = new S3ObjectStore(S3TestBucket.Options(S3Compatibility.Standard));
    }

    [OneTimeTearDown]
    public async Task DeleteBucket()
    {
        _plain?.Dispose();
        _standard?.Dispose();
        if (_bucket is not null) await _bucket.DisposeAsync();
    }

    [Test]
    public async Task WithoutPlain_S3rverStoresTheChunkFramingAsData()
    {
        var bytes = Encoding.UTF8.GetBytes("id,name\n1,Ada\n");
        await _standard.PutTextAsync(_bucket.Name, "standard/a.csv", "id,name\n1,Ada\n");
        await _plain.PutTextAsync(_bucket.Name, "plain/a.csv", "id,name\n1,Ada\n");

        var corrupted = await ReadAsync(_plain, "standard/a.csv");
        Assert.That(corrupted, Is.Not.EqualTo(bytes), "the default SDK upload does not round-trip on s3rver");
        Assert.That(Encoding.ASCII.GetString(corrupted), Does.Contain("id,name\n1,Ada\n").And.Contain("\r\n"), "the data sits inside chunk framing");
        Assert.That(await ReadAsync(_plain, "plain/a.csv"), Is.EqualTo(bytes), "with plain it does");
    }

    [Test]
    public async Task WithoutPlain_CopyOfAKeyWithSlashesIsNotFound_WithPlainItCopies()
    {
        var text = "copy me\n";
        await _plain.PutTextAsync(_bucket.Name, "dir/sub/src.txt", text);
        var e = Assert.ThrowsAsync<EtlException>(() => _standard.CopyAsync(_bucket.Name, "dir/sub/src.txt", _bucket.Name, "dir/standard-copy.txt"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(await _plain.HeadAsync(_bucket.Name, "dir/standard-copy.txt"), Is.Null);

        await _plain.CopyAsync(_bucket.Name, "dir/sub/src.txt", _bucket.Name, "dir/plain-copy.txt");
        Assert.That(await _plain.GetTextAsync(_bucket.Name, "dir/plain-copy.txt"), Is.EqualTo(text));
    }

    [Test]
    public async Task MissingBucket_IsInvalidInput_MissingKeyIsFileNotFound()
    {
        var missing = "etl-no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        var read = Assert.ThrowsAsync<EtlException>(() => _plain.OpenReadAsync(missing, "k"));
        Assert.That(read!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(read.Message, Does.Contain("NoSuchBucket"));

        var list = Assert.ThrowsAsync<EtlException>(async () => { await foreach (var _ in _plain.ListAsync(missing, "")) { } });
        Assert.That(list!.Type, Is.EqualTo(ErrorType.InvalidInput));

        await using var w = await _plain.OpenWriteAsync(missing, "k");
        await w.Stream.WriteAsync(new byte[] { 1, 2, 3 });
        var commit = Assert.ThrowsAsync<EtlException>(() => w.CommitAsync());
        Assert.That(commit!.Type, Is.EqualTo(ErrorType.InvalidInput));

        Assert.That(await _plain.HeadAsync(missing, "k"), Is.Null);
        Assert.ThrowsAsync<FileNotFoundException>(() => _plain.OpenReadAsync(_bucket.Name, "no/such/key"));
    }

    [Test]
    public async Task UnreachableEndpoint_IsTransientAfterRetries()
    {
        using var store = new S3ObjectStore(S3TestBucket.Options() with { ServiceUrl = new Uri($"http://127.0.0.1:{ClosedPort()}"), MaxRetries = 1 });
        var read = Assert.ThrowsAsync<EtlException>(() => store.OpenReadAsync(_bucket.Name, "k"));
        Assert.That(read!.Type, Is.EqualTo(ErrorType.TransientError));
        var head = Assert.ThrowsAsync<EtlException>(() => store.HeadAsync(_bucket.Name, "k"));
        Assert.That(head!.Type, Is.EqualTo(ErrorType.TransientError));

        await using var w = await store.OpenWriteAsync(_bucket.Name, "k");
        await w.Stream.WriteAsync(new byte[] { 1 });
        var commit = Assert.ThrowsAsync<EtlException>(() => w.CommitAsync());
        Assert.That(commit!.Type, Is.EqualTo(ErrorType.TransientError));
        Assert.That(await _plain.HeadAsync(_bucket.Name, "k"), Is.Null, "nothing reached the real endpoint");
    }

    private async Task<byte[]> ReadAsync(S3ObjectStore store, string key)
    {
        using var ms = new MemoryStream();
        await using (var s = await store.OpenReadAsync(_bucket.Name, key)) await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>A loopback port nothing listens on (bound by the kernel, then released).</summary>
    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
