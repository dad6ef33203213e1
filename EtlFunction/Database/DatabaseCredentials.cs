using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>
/// Database credentials kept out of configuration: a Parameter Store name whose (decrypted) value is
/// the JSON <c>{"username": ..., "password": ...}</c> — the shape of an RDS-managed master secret, so
/// <c>/aws/reference/secretsmanager/&lt;secret-id&gt;</c> works unchanged. The value is fetched on first use
/// and cached for a few minutes (a warm Lambda does not call SSM per file, and a rotated password is
/// picked up soon after rotation).
/// </summary>
public sealed class DatabaseCredentials(Func<string, CancellationToken, Task<string>> getParameter, TimeProvider? clock = null) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Name, string User, string Password, DateTimeOffset At)? _cached;

    /// <summary>Reads parameters with AWS Parameter Store (decryption on), region and credentials from the environment.</summary>
    public static DatabaseCredentials FromParameterStore()
    {
        var ssm = new AmazonSimpleSystemsManagementClient();
        return new DatabaseCredentials(async (name, ct) =>
        {
            try
            {
                var r = await ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, ct).ConfigureAwait(false);
                return r.Parameter.Value;
            }
            catch (ParameterNotFoundException e)
            {
                throw new EtlException(ErrorType.InvalidInput, $"database credentials parameter '{name}' not found: {e.Message}", e);
            }
            catch (AmazonSimpleSystemsManagementException e) when (e.StatusCode is System.Net.HttpStatusCode.TooManyRequests || (int)e.StatusCode >= 500)
            {
                throw new EtlException(ErrorType.TransientError, $"Parameter Store did not answer for '{name}': {e.Message}", e);
            }
        });
    }

    /// <summary>A MySqlConnector connection string for host/port/database with the stored user and password.</summary>
    public async Task<string> ConnectionStringAsync(string host, int port, string database, string parameterName, CancellationToken ct)
    {
        var (user, password) = await GetAsync(parameterName, ct).ConfigureAwait(false);
        var b = new MySqlConnector.MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            Database = database,
            UserID = user,
            Password = password,
        };
        return b.ConnectionString;
    }

    public async Task<(string User, string Password)> GetAsync(string parameterName, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_cached is { } c && c.Name == parameterName && _clock.GetUtcNow() - c.At < CacheFor) return (c.User, c.Password);
            var value = await getParameter(parameterName, ct).ConfigureAwait(false);
            var (user, password) = Parse(value, parameterName);
            _cached = (parameterName, user, password, _clock.GetUtcNow());
            return (user, password);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Reads <c>{"username","password"}</c>; the message never contains the value.</summary>
    public static (string User, string Password) Parse(string value, string parameterName)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String
                && root.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String)
            {
                return (u.GetString()!, p.GetString()!);
            }
        }
        catch (JsonException)
        {
            // reported below, without echoing the secret
        }
        throw new EtlException(ErrorType.InvalidInput,
            $"database credentials parameter '{parameterName}' must hold JSON {{\"username\": ..., \"password\": ...}} (the RDS secret format)");
    }
}
