namespace EtlFunction.Tests.Integration.Database;

/// <summary>
/// The set-up the MySQL loader fixtures share: a fresh <see cref="MySqlTestDb"/> on <paramref name="server"/>'s
/// instance with <c>local_infile</c> on (or off) for every test, dropped after it. Derived classes carry
/// <c>[TestFixtureSource(typeof(MySqlServers), nameof(MySqlServers.All))]</c>. <see cref="MySqlTableLoaderTests"/>,
/// which derives from the loader contract, uses <see cref="MySqlTestDb.CreateAsync"/> directly.
/// </summary>
public abstract class MySqlLoaderFixture(string server, bool localInfile = true)
{
    private MySqlTestDb? _db;

    internal MySqlTestDb Db => _db ?? throw new InvalidOperationException("no test database before SetUp");

    [SetUp]
    public async Task CreateDatabase() => _db = await MySqlTestDb.CreateAsync(server, localInfile);

    [TearDown]
    public void DropDatabase() => _db?.Dispose();
}
