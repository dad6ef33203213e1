using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace EtlFunction.Tests.Unit.Lambda;

/// <summary>What the runtime posted: the path (response, error or init/error), the error-type header and the body.</summary>
internal sealed record Posted(string Path, string? ErrorTypeHeader, string? ContentType, string Body)
{
    public bool IsResponse => Path.EndsWith("/response", StringComparison.Ordinal);
    public bool IsError => Path.EndsWith("/error", StringComparison.Ordinal) && !IsInitError;
    public bool IsInitError => Path.EndsWith("/runtime/init/error", StringComparison.Ordinal);
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// An in-test Lambda Runtime API on a loopback port (a real <see cref="HttpListener"/>, so the client's
/// HTTP is exercised for real): serves queued invocations on <c>next</c> (blocking while none is queued,
/// like Lambda) and records every post.
/// </summary>
internal sealed class FakeRuntimeApi : IDisposable
{
    private const string Prefix = "/2018-06-01/";
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Id, string Payload, Dictionary<string, string> Headers)> _invocations = Channel.CreateUnbounded<(string, string, Dictionary<string, string>)>();
    private readonly Channel<Posted> _posts = Channel.CreateUnbounded<Posted>();
    private int _nextRequests;

    public FakeRuntimeApi()
    {
        var port = FreePort();
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; }

    /// <summary>When set, <c>next</c> answers this status instead of an invocation.</summary>
    public HttpStatusCode? FailNextWith { get; set; }

    public int NextRequests => Volatile.Read(ref _nextRequests);

    /// <summary>Queues an invocation; <paramref name="headers"/> are sent as given (no deadline or trace unless listed). Returns the request id.</summary>
    public string Enqueue(string payload, Dictionary<string, string>? headers = null)
    {
        var id = Guid.NewGuid().ToString();
        _invocations.Writer.TryWrite((id, payload, headers ?? []));
        return id;
    }

    /// <summary>The next post the runtime made; fails the test when none arrives in time.</summary>
    public async Task<Posted> NextPostAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _posts.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the runtime posted nothing in time");
            throw;
        }
    }

    public bool TryTakePost(out Posted? posted) => _posts.Reader.TryRead(out posted);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        try
        {
            if (request.HttpMethod == "GET" && path == Prefix + "runtime/invocation/next")
            {
                Interlocked.Increment(ref _nextRequests);
                if (FailNextWith is { } status)
                {
                    response.StatusCode = (int)status;
                    response.Close();
                    return;
                }
                var (id, payload, headers) = await _invocations.Reader.ReadAsync(_stop.Token);
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
                foreach (var (name, value) in headers) response.Headers[name] = value;
                var bytes = Encoding.UTF8.GetBytes(payload);
                response.ContentType = "application/json";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
                response.Close();
            }
            else if (request.HttpMethod == "POST" && path.StartsWith(Prefix + "runtime/", StringComparison.Ordinal))
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                _posts.Writer.TryWrite(new Posted(path, request.Headers["Lambda-Runtime-Function-Error-Type"], request.ContentType, body));
                response.StatusCode = 202;
                response.Close();
            }
            else
            {
                response.StatusCode = 404;
                response.Close();
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // shutting down: the client gave up on its long poll
        }
        catch (HttpListenerException)
        {
            // the client went away (its long poll was cancelled)
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        _stop.Dispose();
    }
}
