using System.Net;
using System.Net.Sockets;
using System.Text;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

/// <summary>
/// Throttling against an in-test HTTP server that answers like S3 (no emulator can be told to throttle):
/// the SDK retries 503 SlowDown itself, and only what still fails after the configured retries reaches
/// the caller, as a <see cref="ErrorType.TransientError"/>.
/// </summary>
public sealed class S3RetryTests
{
    private const string SlowDown = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

    [Test]
    public async Task SlowDownOnce_IsRetried_AndTheBytesArrive()
    {
        var body = Encoding.UTF8.GetBytes("id,name\n1,Ada\n");
        await using var server = new FakeS3(failures: 1, body);
        using var store = new S3ObjectStore(Options(server.Url, retries: 2));
        await using var s = await store.OpenReadAsync("b", "k.csv");
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        Assert.That(ms.ToArray(), Is.EqualTo(body));
        Assert.That(server.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task DamagedBody_FailsTheSdkHashCheck_AsTransient()
    {
        await using var server = new FakeS3(failures: 0, Encoding.UTF8.GetBytes("id,name\n1,Ada\n")) { Damage = true };
        using var store = new S3ObjectStore(Options(server.Url, retries: 0));
        await using var s = await store.OpenReadAsync("b", "k.csv");
        var e = Assert.ThrowsAsync<EtlException>(() => s.CopyToAsync(Stream.Null));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.TransientError));
    }

    [Test]
    public async Task SlowDownEveryTime_IsTransientAfterTheRetries()
    {
        await using var server = new FakeS3(failures: int.MaxValue, []);
        using var store = new S3ObjectStore(Options(server.Url, retries: 2));
        var e = Assert.ThrowsAsync<EtlException>(() => store.OpenReadAsync("b", "k.csv"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.TransientError));
        Assert.That(e.Message, Does.Contain("503 SlowDown"));
        Assert.That(server.Requests, Is.EqualTo(3), "one try and two retries");
    }

    private static S3StoreOptions Options(Uri url, int retries) => new()
    {
        ServiceUrl = url,
        AccessKey = "k",
        SecretKey = "s",
        Compatibility = S3Compatibility.Plain,
        MaxRetries = retries,
    };

    /// <summary>Answers every request with 503 SlowDown for the first <c>failures</c> requests, then with <c>body</c> as a GetObject response.</summary>
    private sealed class FakeS3 : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly int _failures;
        private readonly byte[] _body;
        private int _requests;

        public FakeS3(int failures, byte[] body)
        {
            _failures = failures;
            _body = body;
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public Uri Url { get; }

        /// <summary>Send the body with its first byte changed (the ETag still names the original).</summary>
        public bool Damage { get; init; }
        public int Requests => Volatile.Read(ref _requests);

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                var n = Interlocked.Increment(ref _requests);
                var response = ctx.Response;
                if (n <= _failures)
                {
                    response.StatusCode = 503;
                    response.ContentType = "application/xml";
                    var xml = Encoding.UTF8.GetBytes(SlowDown);
                    await response.OutputStream.WriteAsync(xml);
                }
                else
                {
                    response.StatusCode = 200;
                    response.ContentType = "text/csv";
#pragma warning disable CA5351 // S3's single-part ETag is the MD5 of the body; the SDK checks it on read
                    response.AddHeader("ETag", $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(_body))}\"");
#pragma warning restore CA5351
                    response.AddHeader("Last-Modified", DateTime.UtcNow.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    response.ContentLength64 = _body.Length;
                    var sent = _body.ToArray();
                    if (Damage) sent[0] ^= 1;
                    await response.OutputStream.WriteAsync(sent);
                }
                response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}
