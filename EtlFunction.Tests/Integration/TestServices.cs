namespace EtlFunction.Tests.Integration;

/// <summary>
/// Where integration tests find their services: environment variables exported by
/// <c>scripts/test-services.sh start</c> (which <c>scripts/test.sh</c> runs first). A missing service
/// fails the test under CI (<c>CI=true</c>) and is reported as ignored on a developer machine, so an
/// integration test can never pass by not running.
/// </summary>
internal static class TestServices
{
    /// <summary>MariaDB with <c>local_infile</c> on: a MySqlConnector connection string (database <c>etl_test</c>, <c>AllowLoadLocalInfile=true</c>).</summary>
    public static string MySql => Require("ETL_TEST_MYSQL", "MariaDB");

    /// <summary>A second MariaDB started with <c>local_infile</c> off, for the fallback path.</summary>
    public static string MySqlNoLocalInfile => Require("ETL_TEST_MYSQL_NOINFILE", "MariaDB without local_infile");

    /// <summary>The S3 API endpoint (s3rver), e.g. <c>http://127.0.0.1:4569</c>; credentials in <see cref="S3AccessKey"/>/<see cref="S3SecretKey"/>.</summary>
    public static string S3Endpoint => Require("ETL_TEST_S3_ENDPOINT", "the S3 emulator");

    public static string S3AccessKey => Environment.GetEnvironmentVariable("ETL_TEST_S3_ACCESS_KEY") ?? "S3RVER";
    public static string S3SecretKey => Environment.GetEnvironmentVariable("ETL_TEST_S3_SECRET_KEY") ?? "S3RVER";

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value)) return value;
        var message = $"{what} is not available: {variable} is not set (start it with scripts/test-services.sh start, or run scripts/test.sh)";
        if (UnderCi) Assert.Fail(message);
        Assert.Ignore(message);
        return ""; // not reached
    }
}
