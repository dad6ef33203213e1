using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.LocalStack;

namespace EtlFunction.Tests.Integration;

/// <summary>
/// The integration tests' containers: removes the MySQL containers of <see cref="MySqlContainers"/> when the
/// integration tests end (the MySQL loader tests under <c>Integration/Database</c> run once against the MariaDB
/// process of <c>scripts/test-services.sh</c> and once against such a container, always), and, with
/// <c>ETL_USE_TESTCONTAINERS=1</c>, puts containers under every integration test instead of the processes.
/// <para>
/// <c>ETL_USE_TESTCONTAINERS=1</c>: before any integration test runs, the two MySQL containers (image
/// <c>ETL_TEST_MYSQL_IMAGE</c>: <c>mysql:8.4</c> where a registry can be reached, the MariaDB stand-in by
/// default) and LocalStack (<c>ETL_TEST_LOCALSTACK_IMAGE</c>, default <c>localstack/localstack:4.4</c>) start,
/// and the variables <c>scripts/test-services.sh</c> writes are replaced, so <see cref="TestServices"/> and every
/// test stay unchanged. There is no MySQL root socket in a container, so <c>ETL_TEST_MYSQL_ROOT_SOCKET</c> is
/// unset. Without the variable nothing is replaced (the default, and what CI does).
/// </para>
/// <para>
/// LocalStack is NOT EXERCISED: no LocalStack image can be had where this was written (no registry), so that
/// part compiles but has never run. It uses LocalStackBuilder's defaults (a published port on a bridge network),
/// which this project's private Docker engine does not have (it has no bridge; host networking would need
/// LocalStack's GATEWAY_LISTEN on a free port and a wait that does not ask for a mapped port). The MySQL part
/// runs here on every test run (see <see cref="MySqlContainers"/>).
/// </para>
/// </summary>
[SetUpFixture]
public sealed class TestcontainersServices
{
    public const string DefaultLocalStackImage = "localstack/localstack:4.4";
    private readonly List<IContainer> _started = [];

    public static bool Requested => Environment.GetEnvironmentVariable("ETL_USE_TESTCONTAINERS") == "1";

    private static string LocalStackImage =>
        Environment.GetEnvironmentVariable("ETL_TEST_LOCALSTACK_IMAGE") is { Length: > 0 } image ? image : DefaultLocalStackImage;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!Requested) return;
        MySqlContainers.Servers mysql;
        try
        {
            mysql = await MySqlContainers.StartAsync();
        }
        catch (Exception e) when (e.InnerException is DockerUnavailableException)
        {
            // Requested but no engine answers: keep the services of scripts/test-services.sh.
            await TestContext.Progress.WriteLineAsync("ETL_USE_TESTCONTAINERS=1 but no Docker engine answers; using the ETL_TEST_* services instead: " + e.Message);
            return;
        }
        var localStack = new LocalStackBuilder(LocalStackImage).Build();
        _started.Add(localStack);
        await localStack.StartAsync();

        Environment.SetEnvironmentVariable("ETL_TEST_MYSQL", mysql.WithLocalInfile);
        Environment.SetEnvironmentVariable("ETL_TEST_MYSQL_NOINFILE", mysql.WithoutLocalInfile);
        Environment.SetEnvironmentVariable("ETL_TEST_S3_ENDPOINT", localStack.GetConnectionString());
        Environment.SetEnvironmentVariable("ETL_TEST_S3_ACCESS_KEY", "test");
        Environment.SetEnvironmentVariable("ETL_TEST_S3_SECRET_KEY", "test");
        Environment.SetEnvironmentVariable("ETL_TEST_MYSQL_ROOT_SOCKET", null);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var c in _started) await c.DisposeAsync();
        _started.Clear();
        await MySqlContainers.DisposeAsync();
    }
}
