using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.LocalStack;
using Testcontainers.MySql;

namespace EtlFunction.Tests.Integration;

/// <summary>
/// Real MySQL 8 and LocalStack instead of MariaDB and s3rver, for machines with a Docker engine: with
/// <c>ETL_USE_TESTCONTAINERS=1</c> this starts <c>mysql:8.0</c> twice (local_infile on and off) and
/// LocalStack before any integration test runs, and exports the same variables that
/// <c>scripts/test-services.sh</c> writes, so <see cref="TestServices"/> and every test stay unchanged.
/// Without the variable, or when no Docker engine answers, it does nothing (the default, and what CI does).
/// <para>
/// NOT EXERCISED: the machines this was written on have no Docker engine (Testcontainers' <c>Build()</c>
/// throws <c>DockerUnavailableException</c> there), so this path compiles but has never run. Known gaps:
/// there is no MySQL root socket in a container, so <c>ETL_TEST_MYSQL_ROOT_SOCKET</c> is not set; the
/// image tags are pinned guesses (<c>mysql:8.0</c>, <c>localstack/localstack:4.4</c>).
/// </para>
/// </summary>
[SetUpFixture]
public sealed class TestcontainersServices
{
    private const string Password = "etl";
    private readonly List<IContainer> _started = [];

    public static bool Requested => Environment.GetEnvironmentVariable("ETL_USE_TESTCONTAINERS") == "1";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!Requested) return;
        string withInfile;
        try
        {
            withInfile = await StartMySqlAsync(localInfile: true);
        }
        catch (DockerUnavailableException e)
        {
            // Requested but no engine answers: keep the services of scripts/test-services.sh.
            await TestContext.Progress.WriteLineAsync("ETL_USE_TESTCONTAINERS=1 but no Docker engine answers; using the ETL_TEST_* services instead: " + e.Message);
            return;
        }
        var withoutInfile = await StartMySqlAsync(localInfile: false);
        var localStack = new LocalStackBuilder("localstack/localstack:4.4").Build();
        await localStack.StartAsync();
        _started.Add(localStack);

        Environment.SetEnvironmentVariable("ETL_TEST_MYSQL", withInfile);
        Environment.SetEnvironmentVariable("ETL_TEST_MYSQL_NOINFILE", withoutInfile);
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
    }

    /// <summary>Starts one MySQL 8 with database etl_test and user etl/etl (rights on every etl_* database); returns its connection string.</summary>
    private async Task<string> StartMySqlAsync(bool localInfile)
    {
        var mysql = new MySqlBuilder("mysql:8.0")
            .WithDatabase("etl_test")
            .WithUsername("etl")
            .WithPassword(Password)
            .WithCommand($"--local-infile={(localInfile ? 1 : 0)}", "--character-set-server=utf8mb4")
            .Build();
        await mysql.StartAsync();
        _started.Add(mysql);
        var grant = await mysql.ExecAsync(["mysql", "-uroot", "-p" + Password, "-e", "GRANT ALL PRIVILEGES ON `etl\\_%`.* TO 'etl'@'%'; FLUSH PRIVILEGES;"]);
        if (grant.ExitCode != 0) throw new InvalidOperationException("granting etl_% to etl failed: " + grant.Stderr);
        return $"Server={mysql.Hostname};Port={mysql.GetMappedPublicPort(3306)};User ID=etl;Password={Password};Database=etl_test;AllowLoadLocalInfile=true;SslMode=None";
    }
}
