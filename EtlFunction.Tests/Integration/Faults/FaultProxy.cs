using System.Net;
using System.Net.Sockets;

namespace EtlFunction.Tests.Integration.Faults;

/// <summary>What the proxy does to the connection that carries the planned byte.</summary>
public enum FaultKind
{
    /// <summary>Both sockets are reset (RST): the peers see "connection reset".</summary>
    Reset,
    /// <summary>Both sockets are closed cleanly (FIN): the peers see a stream that simply ends early.</summary>
    Close,
    /// <summary>Forwarding pauses for <see cref="FaultPlan.Stall"/>, then resumes with nothing lost.</summary>
    Stall,
}

/// <summary>
/// One fault, fired once: at byte <paramref name="AtByte"/> of the traffic the proxy forwards (both directions
/// of every connection, counted in the order the proxy forwards them, from 0).
/// </summary>
public sealed record FaultPlan(FaultKind Kind, long AtByte, TimeSpan Stall = default);

/// <summary>Where a plan fired: the connection (1-based, in accept order) and the byte offset it was cut or stalled at.</summary>
public sealed record FaultFired(FaultPlan Plan, int Connection, long AtByte, bool Upstream);

/// <summary>
/// A loopback TCP proxy that forwards every accepted connection to one upstream port and, when armed with a
/// <see cref="FaultPlan"/>, resets, closes or stalls the connection that carries the planned byte — a network
/// fault at a chosen place in a real protocol exchange (an S3 GET body, a MySQL LOAD DATA stream), which no
/// in-process fake can produce. Counting bytes over the whole run (not per connection) makes any offset below
/// the run's traffic fire, whatever connections the client opens. The fault fires once; everything before and
/// after it is forwarded byte-exact. Loopback only: it listens on 127.0.0.1 and connects to 127.0.0.1.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private long _forwarded;
    private int _accepted;
    private int _armed;
    private readonly FaultPlan? _plan;
    private FaultFired? _fired;

    private FaultProxy(int upstreamPort, FaultPlan? plan)
    {
        _upstreamPort = upstreamPort;
        _plan = plan;
        _armed = plan is null ? 0 : 1;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Starts a proxy to 127.0.0.1:<paramref name="upstreamPort"/> on a free loopback port.</summary>
    public static FaultProxy Start(int upstreamPort, FaultPlan? plan = null) => new(upstreamPort, plan);

    /// <summary>The loopback port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes forwarded so far, both directions, all connections.</summary>
    public long BytesForwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _accepted);

    /// <summary>Where the plan fired; null when it has not (yet), e.g. the traffic ended before its byte.</summary>
    public FaultFired? Fired
    {
        get { lock (_lock) return _fired; }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var number = Interlocked.Increment(ref _accepted);
            lock (_lock) _connections.Add(ServeAsync(client, number));
        }
    }

    private async Task ServeAsync(Socket client, int number)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var _ = client;
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Abort(client);
            return;
        }
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var link = new Link(client, upstream, number, cut);
        await Task.WhenAll(PumpAsync(link, client, upstream, toUpstream: true), PumpAsync(link, upstream, client, toUpstream: false));
    }

    /// <summary>The two sockets of one proxied connection and the means to end it.</summary>
    private sealed record Link(Socket Client, Socket Upstream, int Number, CancellationTokenSource Cut);

    private async Task PumpAsync(Link link, Socket from, Socket to, bool toUpstream)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, link.Cut.Token);
                if (n == 0)
                {
                    // The sender finished: pass the half-close on, as TCP would.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var start = Interlocked.Add(ref _forwarded, n) - n;
                var fault = Claim(start, n, link.Number, toUpstream);
                if (fault is null)
                {
                    await SendAllAsync(to, buffer.AsMemory(0, n), link.Cut.Token);
                    continue;
                }
                var before = (int)(fault.AtByte - start);
                await SendAllAsync(to, buffer.AsMemory(0, before), link.Cut.Token);
                if (fault.Plan.Kind == FaultKind.Stall)
                {
                    await Task.Delay(fault.Plan.Stall, link.Cut.Token);
                    await SendAllAsync(to, buffer.AsMemory(before, n - before), link.Cut.Token);
                    continue;
                }
                End(link, fault.Plan.Kind);
                return;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other direction ended the connection (a cut, a reset from a peer): end this one too.
            End(link, FaultKind.Reset);
        }
    }

    /// <summary>The armed plan when its byte lies in [start, start + n), disarming it; otherwise null.</summary>
    private FaultFired? Claim(long start, int n, int connection, bool upstream)
    {
        if (Volatile.Read(ref _armed) == 0) return null;
        var plan = _plan!;
        if (plan.AtByte < start || plan.AtByte >= start + n) return null;
        if (Interlocked.Exchange(ref _armed, 0) == 0) return null;
        var fired = new FaultFired(plan, connection, plan.AtByte, upstream);
        lock (_lock) _fired = fired;
        return fired;
    }

    private static async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await to.SendAsync(data, SocketFlags.None, ct);
            data = data[sent..];
        }
    }

    private static void End(Link link, FaultKind how)
    {
        if (how == FaultKind.Reset)
        {
            Abort(link.Client);
            Abort(link.Upstream);
        }
        else
        {
            Close(link.Client);
            Close(link.Upstream);
        }
        try
        {
            link.Cut.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already over
        }
    }

    /// <summary>Closes with linger 0: the kernel sends RST instead of FIN.</summary>
    private static void Abort(Socket s)
    {
        try
        {
            s.LingerState = new LingerOption(true, 0);
            s.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
    }

    private static void Close(Socket s)
    {
        try
        {
            s.Shutdown(SocketShutdown.Both);
            s.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_lock) open = [.. _connections];
        await Task.WhenAll(open);
        _stop.Dispose();
    }
}
