using System.Globalization;
using System.Net;
using MySqlConnector;

namespace EtlFunction.Database;

/// <summary>
/// Where the MySQL loader connects, and the connection options it insists on. The connection string
/// comes from a provider (called once per load) so that credentials can be fetched, and rotated, by the
/// host — e.g. from AWS Parameter Store or Secrets Manager — without the loader knowing where they live.
/// </summary>
/// <remarks>
/// Every string the provider returns is normalised by <see cref="Normalize"/>:
/// <list type="bullet">
/// <item><c>AllowLoadLocalInfile=true</c> is forced on: the loader streams rows with <c>LOAD DATA LOCAL INFILE</c>
/// (from a stream it owns, never from a file name chosen by the server).</item>
/// <item>TLS is required for any host that is not the loopback interface: without an <c>SslMode</c> the
/// string gets <c>SslMode=Required</c>, and an explicit weaker mode (<c>None</c>, <c>Preferred</c>) for such a host
/// is refused unless <see cref="AllowUnencryptedRemote"/> is set. On loopback the string's own choice holds.</item>
/// <item><c>IgnorePrepare=false</c>: the fallback INSERTs are prepared on the server (binary values, one parse).</item>
/// </list>
/// </remarks>
public sealed class MySqlSettings
{
    private readonly Func<CancellationToken, Task<string>> _provider;
    private string? _target;

    /// <summary>Settings whose connection string is fetched by <paramref name="provider"/> at each load.</summary>
    /// <param name="provider">Returns a MySqlConnector connection string (e.g. read from Parameter Store).</param>
    public MySqlSettings(Func<CancellationToken, Task<string>> provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
    }

    /// <summary>Settings with one fixed connection string (validated now, so a bad string fails at startup).</summary>
    /// <param name="connectionString">A MySqlConnector connection string.</param>
    /// <param name="allowUnencryptedRemote">See <see cref="AllowUnencryptedRemote"/>.</param>
    public static MySqlSettings FromConnectionString(string connectionString, bool allowUnencryptedRemote = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new MySqlSettings(_ => Task.FromResult(connectionString)) { AllowUnencryptedRemote = allowUnencryptedRemote };
        settings._target = Describe(new MySqlConnectionStringBuilder(settings.Normalize(connectionString)));
        return settings;
    }

    /// <summary>Accept a plaintext connection to a non-loopback host (e.g. a database on a private network without TLS).</summary>
    public bool AllowUnencryptedRemote { get; init; }

    /// <summary><c>mysql://host:port/database</c> of the last connection string seen (never the user or password).</summary>
    public string Target => _target ?? "mysql://(connection string not resolved yet)";

    /// <summary>Fetches the connection string from the provider and normalises it.</summary>
    public async Task<string> ResolveAsync(CancellationToken ct)
    {
        var raw = await _provider(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(raw)) throw new ArgumentException("the MySQL connection string provider returned nothing");
        var normalized = Normalize(raw);
        _target = Describe(new MySqlConnectionStringBuilder(normalized));
        return normalized;
    }

    /// <summary>The connection string the loader really uses (see the class remarks).</summary>
    /// <exception cref="ArgumentException">a non-loopback host with TLS switched off, or no server or database.</exception>
    public string Normalize(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Server)) throw new ArgumentException("the MySQL connection string has no Server");
        if (string.IsNullOrWhiteSpace(builder.Database)) throw new ArgumentException("the MySQL connection string has no Database");
        builder.AllowLoadLocalInfile = true;
        builder.IgnorePrepare = false;
        var explicitTls = HasKey(connectionString, "sslmode", "ssl mode", "ssl-mode");
        if (!IsLoopback(builder.Server))
        {
            if (!explicitTls)
            {
                builder.SslMode = MySqlSslMode.Required;
            }
            else if (builder.SslMode is MySqlSslMode.None or MySqlSslMode.Preferred && !AllowUnencryptedRemote)
            {
                throw new ArgumentException(
                    $"the MySQL connection string sets SslMode={builder.SslMode} for {builder.Server}, which is not a loopback address: " +
                    "TLS is required there (use SslMode=Required, VerifyCA or VerifyFull, or allow it explicitly with AllowUnencryptedRemote)");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>True when every host in <paramref name="server"/> (comma-separated) is the loopback interface or a Unix socket.</summary>
    public static bool IsLoopback(string server) =>
        server.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(host =>
            host.StartsWith('/')
            || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));

    private static string Describe(MySqlConnectionStringBuilder b) =>
        string.Create(CultureInfo.InvariantCulture, $"mysql://{b.Server}:{b.Port}/{b.Database}");

    private static bool HasKey(string connectionString, params string[] keys)
    {
        // The generic parser honours quoting, so a password that contains "SslMode=" is not mistaken for the option.
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(parsed.ContainsKey);
    }
}
