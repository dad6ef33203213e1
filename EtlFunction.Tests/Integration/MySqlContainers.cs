using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using MySqlConnector;

namespace EtlFunction.Tests.Integration;

/// <summary>
/// Two MySQL containers started through Testcontainers, one with <c>local_infile</c> on and one with it off
/// (the RDS default), each with database <c>etl_test</c> and user <c>etl</c>/<c>etl</c> allowed on every
/// <c>etl_*</c> database (an init script in <c>/docker-entrypoint-initdb.d</c>), like the two MariaDB processes of
/// <c>scripts/test-services.sh</c>. Started together on first use, removed by <see cref="TestcontainersServices"/>
/// when the integration tests end.
/// <para>
/// The image is <see cref="Image"/>: <c>ETL_TEST_MYSQL_IMAGE</c>, <see cref="RegistryImage"/> (<c>mysql:8.4</c>, the current RDS LTS) on a
/// machine that can pull from a registry. Where none can be reached (this project's build machines) it defaults
/// to <see cref="StandInImage"/>, a STAND-IN: MariaDB 10.11 on Debian with the official images' entrypoint
/// contract (<c>scripts/docker/mariadb/</c>, built by <c>scripts/docker.sh bases</c>). So here the containers
/// run the same server as the processes; what they add is the Testcontainers path itself (image, environment,
/// server arguments, init script, wait, removal) that a registry machine runs against real MySQL 8.4.
/// </para>
/// <para>
/// They are built with the generic <c>ContainerBuilder</c> and the environment Testcontainers.MySql's
/// <c>MySqlBuilder</c> sets, not with <c>MySqlBuilder</c> itself: it always publishes port 3306, and a container
/// start then waits up to 15 s for that binding to be mapped, which never happens with host networking
/// (TimeoutException with Testcontainers 4.16 and 4.17 alike).
/// </para>
/// <para>
/// How they run, the same on every Docker engine: no reaper (<c>TESTCONTAINERS_RYUK_DISABLED=true</c> unless set
/// otherwise: its image cannot be pulled here), host networking and no port bindings (the private engine of
/// <c>scripts/docker.sh</c> has no bridge): the server listens on 127.0.0.1 at a free port chosen here and
/// passed as <c>--port</c>, and <c>MYSQL_TCP_PORT</c> points the image's own <c>mysql</c> client at it.
/// The engine is the one <c>DOCKER_HOST</c> (and <c>DOCKER_API_VERSION=1.41</c> for Debian's engine) name.
/// </para>
/// <para>
/// A missing engine or image fails the tests that need them under CI (<c>CI=true</c>) and ignores them with
/// the reason elsewhere (<see cref="TestServices"/>' rule); a container that starts but never serves is a
/// failure everywhere.
/// </para>
/// </summary>
internal static class MySqlContainers
{
    public const string StandInImage = "etl-standin/mariadb:latest";
    public const string RegistryImage = "mysql:8.4";
    public const string Database = "etl_test";
    public const string User = "etl";
    public const string Password = "etl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    // The user may create and use any etl_* database (MySqlTestDb isolates each test in one): run by the
    // images' entrypoint after it has created MYSQL_DATABASE and MYSQL_USER.
    private static readonly byte[] InitSql = Encoding.UTF8.GetBytes($"GRANT ALL PRIVILEGES ON `etl\\_%`.* TO '{User}'@'%';\nFLUSH PRIVILEGES;\n");

    private static readonly object Gate = new();
    private static readonly List<IContainer> Created = [];
    private static Task<Servers>? _servers;

    static MySqlContainers()
    {
        // Before Testcontainers reads its settings (the first builder): no reaper unless asked for.
        if (Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED") is null)
            Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
    }

    /// <summary><c>ETL_TEST_MYSQL_IMAGE</c>, else the stand-in.</summary>
    public static string Image => Environment.GetEnvironmentVariable("ETL_TEST_MYSQL_IMAGE") is { Length: > 0 } image ? image : StandInImage;

    private static bool IsStandIn => Image.StartsWith("etl-standin/", StringComparison.Ordinal);

    /// <summary>The connection strings of both containers, starting them on the first call.</summary>
    public static Task<Servers> StartAsync()
    {
        lock (Gate) return _servers ??= StartBothAsync();
    }

    /// <summary>A connection string for the container with <c>local_infile</c> on or off; fails or ignores the calling test when no container can run (see the class remarks).</summary>
    public static async Task<string> ConnectionStringAsync(bool localInfile)
    {
        Servers servers;
        try
        {
            servers = await StartAsync();
        }
        catch (ContainerUnavailableException e)
        {
            if (TestServices.UnderCi) Assert.Fail(e.Message);
            Assert.Ignore(e.Message);
            throw; // not reached
        }
        return localInfile ? servers.WithLocalInfile : servers.WithoutLocalInfile;
    }

    /// <summary>Removes every container started here (also those that failed to start), after a start under way has ended.</summary>
    public static async Task DisposeAsync()
    {
        Task<Servers>? starting;
        lock (Gate) starting = _servers;
        if (starting is not null)
        {
            try
            {
                await starting;
            }
            catch (Exception e) when (e is ContainerUnavailableException or InvalidOperationException)
            {
                // reported by the tests that needed the containers
            }
        }
        IContainer[] containers;
        lock (Gate)
        {
            containers = [.. Created];
            Created.Clear();
            _servers = null;
        }
        foreach (var c in containers) await c.DisposeAsync();
    }

    private static async Task<Servers> StartBothAsync()
    {
        var withInfile = StartOneAsync(localInfile: true);
        var withoutInfile = StartOneAsync(localInfile: false);
        return new Servers(await withInfile, await withoutInfile);
    }

    private static async Task<string> StartOneAsync(bool localInfile)
    {
        var port = FreePort();
        var connectionString = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)port,
            UserID = User,
            Password = Password,
            Database = Database,
            AllowLoadLocalInfile = true,
            SslMode = MySqlSslMode.None,
            // mysql:8.4 authenticates with caching_sha2_password, which needs the server's RSA key without TLS.
            AllowPublicKeyRetrieval = true,
        }.ConnectionString;

        IContainer container;
        try
        {
            // The generic builder with what MySqlBuilder would set (MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD,
            // MYSQL_ROOT_PASSWORD): MySqlBuilder always publishes 3306, and DockerContainer.StartAsync then waits
            // up to 15 s for that binding to be mapped, which host networking never does (TimeoutException; the
            // same with Testcontainers 4.17).
            container = new ContainerBuilder(Image)
                .WithImagePullPolicy(IsStandIn ? PullPolicy.Never : PullPolicy.Missing)
                .WithEnvironment("MYSQL_DATABASE", Database)
                .WithEnvironment("MYSQL_USER", User)
                .WithEnvironment("MYSQL_PASSWORD", Password)
                .WithEnvironment("MYSQL_ROOT_PASSWORD", Password)
                .WithEnvironment("MYSQL_TCP_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithCommand($"--port={port}", "--bind-address=127.0.0.1", $"--local-infile={(localInfile ? 1 : 0)}", "--character-set-server=utf8mb4")
                .WithResourceMapping(InitSql, "/docker-entrypoint-initdb.d/etl-grants.sql")
                // The data in memory, as a throwaway test database can be: no writes through the container's
                // overlay file system (the official images declare a volume there).
                .WithTmpfsMount("/var/lib/mysql")
                .WithLabel("etl.tests", "mysql")
                .WithCreateParameterModifier(p =>
                {
                    p.HostConfig ??= new Docker.DotNet.Models.HostConfig();
                    p.HostConfig.NetworkMode = "host";
                })
                // Ready when the tests' own connection works: the server's final start (the entrypoint's
                // temporary server has no networking), polled every 200 ms.
                .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new AcceptsConnections(connectionString),
                    w => w.WithInterval(TimeSpan.FromMilliseconds(200)).WithTimeout(StartTimeout)))
                .Build();
        }
        catch (DockerUnavailableException e)
        {
            throw Unavailable($"no Docker engine answers (DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unset"})", e);
        }
        lock (Gate) Created.Add(container);

        using var cts = new CancellationTokenSource(StartTimeout);
        try
        {
            await container.StartAsync(cts.Token);
        }
        catch (DockerUnavailableException e)
        {
            throw Unavailable($"no Docker engine answers (DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unset"})", e);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound && e.Message.Contains("image", StringComparison.OrdinalIgnoreCase))
        {
            throw Unavailable($"the image {Image} is not in the engine" + (IsStandIn ? " (build it: bash scripts/docker.sh bases)" : ""), e);
        }
        catch (Exception e) when (e is not OperationCanceledException || cts.IsCancellationRequested)
        {
            var logs = await TailAsync(container);
            throw new InvalidOperationException(
                $"the MySQL container ({Image}, local_infile={(localInfile ? 1 : 0)}, port {port}) did not start: {e.GetType().Name}: {e.Message}\n--- container log (tail) ---\n{logs}", e);
        }
        return connectionString;
    }

    private static ContainerUnavailableException Unavailable(string why, Exception inner) => new(
        $"the MySQL container cannot run: {why}. " +
        (IsStandIn
            ? "Start the engine and build the stand-in: bash scripts/docker.sh start && bash scripts/docker.sh bases && eval \"$(bash scripts/docker.sh env)\" (scripts/test.sh does all three). "
            : $"DOCKER_HOST must name an engine that has or can pull {Image}. ") +
        $"{inner.GetType().Name}: {inner.Message}", inner);

    private static async Task<string> TailAsync(IContainer container)
    {
        try
        {
            var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);
            var lines = (stdout + stderr).Split('\n');
            return string.Join('\n', lines.TakeLast(40));
        }
        catch (Exception e) when (e is DockerApiException or InvalidOperationException or HttpRequestException)
        {
            return "(no log: " + e.Message + ")";
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that is free now (the kernel's choice).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed record Servers(string WithLocalInfile, string WithoutLocalInfile);

    private sealed class ContainerUnavailableException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Ready when a connection with the tests' own connection string opens and answers.</summary>
    private sealed class AcceptsConnections(string connectionString) : IWaitUntil
    {
        private readonly string _connectionString = new MySqlConnectionStringBuilder(connectionString) { Pooling = false, ConnectionTimeout = 2 }.ConnectionString;

        public async Task<bool> UntilAsync(IContainer container)
        {
            try
            {
                await using var c = new MySqlConnection(_connectionString);
                await c.OpenAsync();
                await using var cmd = new MySqlCommand("SELECT 1", c);
                await cmd.ExecuteScalarAsync();
                return true;
            }
            catch (MySqlException)
            {
                return false;
            }
        }
    }
}
