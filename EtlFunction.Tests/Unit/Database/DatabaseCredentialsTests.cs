using EtlFunction.Database;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Database;

public class DatabaseCredentialsTests
{
    [Test]
    public async Task ConnectionString_FromRdsSecretJson_HasUserAndPassword()
    {
        var creds = new DatabaseCredentials((_, _) => Task.FromResult("""{"username":"etl","password":"p;w=\"x","engine":"mysql"}"""));
        var cs = new MySqlConnector.MySqlConnectionStringBuilder(await creds.ConnectionStringAsync("db.example", 3306, "etl", "/aws/reference/secretsmanager/x", default));
        Assert.That(cs.UserID, Is.EqualTo("etl"));
        Assert.That(cs.Password, Is.EqualTo("p;w=\"x"));
        Assert.That(cs.Server, Is.EqualTo("db.example"));
        Assert.That(cs.Database, Is.EqualTo("etl"));
    }

    [Test]
    public void Parse_NotTheSecretShape_FailsWithoutEchoingTheValue()
    {
        var e = Assert.Throws<EtlException>(() => DatabaseCredentials.Parse("hunter2", "/etl/db"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Not.Contain("hunter2"));
        Assert.That(e.Message, Does.Contain("/etl/db"));
    }

    [Test]
    public async Task Get_CachedForFiveMinutes_ThenFetchedAgain()
    {
        var calls = 0;
        var clock = new ManualClock();
        var creds = new DatabaseCredentials((_, _) =>
        {
            calls++;
            return Task.FromResult($$"""{"username":"u{{calls}}","password":"p"}""");
        }, clock);
        Assert.That((await creds.GetAsync("n", default)).User, Is.EqualTo("u1"));
        clock.Now += TimeSpan.FromMinutes(4);
        Assert.That((await creds.GetAsync("n", default)).User, Is.EqualTo("u1"));
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.That((await creds.GetAsync("n", default)).User, Is.EqualTo("u2"));
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => Now;
}
