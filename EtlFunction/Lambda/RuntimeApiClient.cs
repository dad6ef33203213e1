using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace EtlFunction.Lambda;

/// <summary>
/// The Lambda Runtime API (<c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/</c>) spoken directly over
/// <see cref="HttpClient"/>, standing in for Amazon.Lambda.RuntimeSupport (not available here).
/// <c>next</c> is a long poll that may wait for hours while the sandbox is frozen, so the client has
/// no timeout; the posts are short and get one each. Proxies are never used: the API is on loopback.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string ApiVersion = "2018-06-01";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;

    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: <c>host:port</c>.</param>
    /// <param name="handler">Only for tests; the default is a proxy-less <see cref="SocketsHttpHandler"/>.</param>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        BaseAddress = new Uri($"http://{runtimeApi.Trim().TrimEnd('/')}/{ApiVersion}/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri BaseAddress { get; }

    /// <summary>Waits for the next event. Throws <see cref="HttpRequestException"/> when the API is gone or answers with an error status.</summary>
    public async Task<Invocation> NextAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"runtime/invocation/next answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
        var payload = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new HttpRequestException("runtime/invocation/next answered without Lambda-Runtime-Aws-Request-Id");
        var rawDeadline = Header(response, "Lambda-Runtime-Deadline-Ms");
        return new Invocation(requestId, payload)
        {
            Deadline = Deadlines.Parse(rawDeadline),
            RawDeadline = rawDeadline,
            FunctionArn = Header(response, "Lambda-Runtime-Invoked-Function-Arn"),
            TraceId = Header(response, "Lambda-Runtime-Trace-Id"),
        };
    }

    /// <summary>Sends the step's result JSON for <paramref name="requestId"/>.</summary>
    public Task PostResponseAsync(string requestId, string json, CancellationToken ct) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", json, null, ct);

    /// <summary>Reports a failed invocation; the header carries the same <c>errorType</c> as the body.</summary>
    public Task PostErrorAsync(string requestId, ErrorReport error, CancellationToken ct) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error.ToJson(), error.ErrorType, ct);

    /// <summary>Reports a failure before the first <c>next</c> (e.g. an unknown handler); the process exits afterwards.</summary>
    public Task PostInitErrorAsync(ErrorReport error, CancellationToken ct) =>
        PostAsync("runtime/init/error", error.ToJson(), error.ErrorType, ct);

    private async Task PostAsync(string path, string json, string? errorType, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PostTimeout);
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (errorType is not null) request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) : null;

    public void Dispose() => _http.Dispose();
}
