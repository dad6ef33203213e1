namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// The servers every MySQL loader fixture runs against (<c>[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]</c>):
/// <list type="bullet">
/// <item><c>process</c>: the MariaDB processes of <c>scripts/test-services.sh</c> (<see cref="TestServices"/>);</item>
/// <item><c>testcontainers</c>: the MySQL containers of <see cref="MySqlContainers"/>, started through Testcontainers
/// (<c>mysql:8.4</c> where a registry can be reached, <c>ETL_TEST_MYSQL_IMAGE</c>; the MariaDB stand-in image here).</item>
/// </list>
/// The container run is an additional run, not the way the tests get their database: the pipeline, Lambda and
/// state-machine tests and <c>scripts/bench.sh</c> keep the processes (ports known before the suite, a root
/// socket, under a second of start-up), and the loader tests still run where no Docker engine is. Both runs are
/// in the same <c>dotnet test</c>, so the one TRX file and the one summary line count them; a fixture name says
/// which server a result is from, e.g. <c>MySqlTableLoaderTests("testcontainers")</c>.
/// <para>
/// The containers start (in the background) when the first test of this namespace is about to run, and NUnit
/// runs a class's <c>process</c> fixture before its <c>testcontainers</c> one (names in order), so their start
/// overlaps the first process fixture; they are removed when the last test of this namespace has run
/// (with <c>ETL_USE_TESTCONTAINERS=1</c>, at the end of all integration tests).
/// </para>
/// </summary>
[SetUpFixture]
public sealed class MySqlServers
{
    public const string Process = "process";
    public const string Container = "testcontainers";

    public static IEnumerable<string> All => [Process, Container];

    // Awaited, and any failure reported, by the first container test.
    [OneTimeSetUp]
    public void StartContainers() => _ = Task.Run(MySqlContainers.StartAsync);

    // With ETL_USE_TESTCONTAINERS=1 the other integration tests use them too: TestcontainersServices removes them.
    [OneTimeTearDown]
    public Task RemoveContainersAsync() => TestcontainersServices.Requested ? Task.CompletedTask : MySqlContainers.DisposeAsync();

    /// <summary>The connection string of <paramref name="server"/>'s instance with <c>local_infile</c> on (or off); a missing one fails the test under CI and ignores it elsewhere.</summary>
    internal static async Task<string> ConnectionStringAsync(string server, bool localInfile = true) => server switch
    {
        Process => localInfile ? TestServices.MySql : TestServices.MySqlNoLocalInfile,
        Container => await MySqlContainers.ConnectionStringAsync(localInfile),
        _ => throw new ArgumentOutOfRangeException(nameof(server), server, "not a test server"),
    };
}
