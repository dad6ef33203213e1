using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EtlFunction.Tests.Integration.Faults;

/// <summary>
/// The fault proxy itself, against local loopback servers (no services): it forwards bytes exactly, and a plan
/// cuts or stalls at exactly the byte it names, once. The campaign's figures mean something only if this holds.
/// </summary>
public sealed class FaultProxyTests
{
    private static readonly byte[] Payload = MakePayload(200_000);

    private static byte[] MakePayload(int n)
    {
        var bytes = new byte[n];
        new Random(11).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A server that echoes everything it receives until the client half-closes.</summary>
    private static (TcpListener Listener, Task Serving) Echo()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                Socket s;
                try { s = await listener.AcceptSocketAsync(); }
                catch (SocketException) { return; }
                catch (ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using var _ = s;
                    var buffer = new byte[8192];
                    try
                    {
                        int n;
                        while ((n = await s.ReceiveAsync(buffer)) > 0) await s.SendAsync(buffer.AsMemory(0, n));
                        s.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // the proxy cut us
                    }
                });
            }
        });
        return (listener, serving);
    }

    /// <summary>
    /// A server that, on a one-byte request, sends <see cref="Payload"/> and closes: byte 0 of the traffic is the
    /// request, bytes 1.. the payload. (Sending before the request could reset a connection before the client's
    /// connect completes.)
    /// </summary>
    private static (TcpListener Listener, Task Serving) Speaker()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                Socket s;
                try { s = await listener.AcceptSocketAsync(); }
                catch (SocketException) { return; }
                catch (ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using var _ = s;
                    try
                    {
                        if (await s.ReceiveAsync(new byte[1]) != 1) return;
                        await s.SendAsync(Payload);
                        s.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // the proxy cut us
                    }
                });
            }
        });
        return (listener, serving);
    }

    private static int PortOf(TcpListener l) => ((IPEndPoint)l.LocalEndpoint).Port;

    /// <summary>Reads until the end of the stream or a reset; the bytes read, whether it was a reset, and when each byte arrived.</summary>
    private static async Task<(byte[] Bytes, bool Reset, List<(int Offset, long Ms)> Arrivals)> ReadAllAsync(Socket s)
    {
        using var ms = new MemoryStream();
        var arrivals = new List<(int, long)>();
        var clock = Stopwatch.StartNew();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                arrivals.Add(((int)ms.Length, clock.ElapsedMilliseconds));
                ms.Write(buffer, 0, n);
            }
            return (ms.ToArray(), false, arrivals);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (ms.ToArray(), true, arrivals);
        }
    }

    private static async Task<Socket> ConnectAsync(FaultProxy proxy)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(IPAddress.Loopback, proxy.Port);
        return s;
    }

    /// <summary>Asks the <see cref="Speaker"/> for its payload and reads the answer.</summary>
    private static async Task<(byte[] Bytes, bool Reset, List<(int Offset, long Ms)> Arrivals)> RequestAsync(FaultProxy proxy)
    {
        using var s = await ConnectAsync(proxy);
        await s.SendAsync(new byte[] { 1 });
        return await ReadAllAsync(s);
    }

    [Test]
    public async Task NoPlan_ForwardsBothDirectionsByteExact()
    {
        var (listener, serving) = Echo();
        await using (var proxy = FaultProxy.Start(PortOf(listener)))
        {
            using var s = await ConnectAsync(proxy);
            var reading = ReadAllAsync(s);
            await s.SendAsync(Payload);
            s.Shutdown(SocketShutdown.Send);
            var (bytes, reset, _) = await reading;

            Assert.That(reset, Is.False);
            Assert.That(bytes, Is.EqualTo(Payload), "the echo came back byte-exact through the proxy both ways");
            Assert.That(proxy.BytesForwarded, Is.EqualTo(2L * Payload.Length));
            Assert.That(proxy.Connections, Is.EqualTo(1));
            Assert.That(proxy.Fired, Is.Null);
        }
        listener.Stop();
        await serving;
    }

    [TestCase(FaultKind.Reset, 0)]
    [TestCase(FaultKind.Reset, 1)]
    [TestCase(FaultKind.Reset, 12_345)]
    [TestCase(FaultKind.Close, 0)]
    [TestCase(FaultKind.Close, 2)]
    [TestCase(FaultKind.Close, 150_001)]
    public async Task Cut_AtAnOffset_TheClientGetsExactlyTheBytesBeforeIt(FaultKind kind, int offset)
    {
        var (listener, serving) = Speaker();
        await using (var proxy = FaultProxy.Start(PortOf(listener), new FaultPlan(kind, offset)))
        {
            var (bytes, reset, _) = await RequestAsync(proxy);

            // Byte 0 is the request (upstream); byte k > 0 is payload byte k - 1.
            var before = Math.Max(0, offset - 1);
            Assert.That(bytes, Is.EqualTo(Payload.AsSpan(0, before).ToArray()), "the bytes before the cut, and not one more");
            Assert.That(reset, Is.EqualTo(kind == FaultKind.Reset), "RST for Reset, a clean end of stream for Close");
            Assert.That(proxy.Fired, Is.EqualTo(new FaultFired(new FaultPlan(kind, offset), 1, offset, Upstream: offset == 0)));
        }
        listener.Stop();
        await serving;
    }

    [Test]
    public async Task Stall_AtAnOffset_PausesThereThenDeliversEverything()
    {
        var (listener, serving) = Speaker();
        const int offset = 100_000;
        var stall = TimeSpan.FromMilliseconds(800);
        await using (var proxy = FaultProxy.Start(PortOf(listener), new FaultPlan(FaultKind.Stall, 1 + offset, stall)))
        {
            var (bytes, reset, arrivals) = await RequestAsync(proxy);

            Assert.That(reset, Is.False);
            Assert.That(bytes, Is.EqualTo(Payload), "nothing lost or reordered across the stall");
            var before = arrivals.Where(a => a.Offset < offset).Max(a => a.Ms);
            var after = arrivals.Where(a => a.Offset >= offset).Min(a => a.Ms);
            Assert.That(after - before, Is.GreaterThanOrEqualTo(700), "the gap sits at the planned byte");
            Assert.That(arrivals.Any(a => a.Offset == offset), Is.True, "a read starts exactly at the planned byte (the bytes before it went out first)");
            Assert.That(proxy.Fired!.AtByte, Is.EqualTo(1 + offset));
        }
        listener.Stop();
        await serving;
    }

    [Test]
    public async Task Plan_FiresOnce_TheNextConnectionPassesThrough()
    {
        var (listener, serving) = Speaker();
        await using (var proxy = FaultProxy.Start(PortOf(listener), new FaultPlan(FaultKind.Reset, 1 + 5_000)))
        {
            Assert.That((await RequestAsync(proxy)).Bytes, Has.Length.EqualTo(5_000));
            var (bytes, reset, _) = await RequestAsync(proxy);

            Assert.That(reset, Is.False);
            Assert.That(bytes, Is.EqualTo(Payload));
            Assert.That(proxy.Connections, Is.EqualTo(2));
            Assert.That(proxy.Fired!.Connection, Is.EqualTo(1));
        }
        listener.Stop();
        await serving;
    }

    [Test]
    public async Task Cut_CountsBytesOverAllConnections()
    {
        var (listener, serving) = Speaker();
        // The first exchange is 1 + Payload.Length bytes; the cut falls 777 payload bytes into the second.
        var offset = (1 + Payload.Length) + 1 + 777;
        await using (var proxy = FaultProxy.Start(PortOf(listener), new FaultPlan(FaultKind.Reset, offset)))
        {
            Assert.That((await RequestAsync(proxy)).Bytes, Is.EqualTo(Payload), "the first connection is below the offset");
            var (bytes, reset, _) = await RequestAsync(proxy);

            Assert.That(reset, Is.True);
            Assert.That(bytes, Has.Length.EqualTo(777));
            Assert.That(proxy.Fired!.Connection, Is.EqualTo(2));
        }
        listener.Stop();
        await serving;
    }
}
