using EtlFunction.Athena;
using EtlFunction.Cli;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Athena;

/// <summary>The exact DDL <c>athena-ddl</c> prints: every contract type, backtick quoting, partition projection on <c>dt</c>.</summary>
public class AthenaDdlTests
{
    /// <summary>A contract with every type, decimals on both physical widths, nullable and required columns.</summary>
    internal const string EveryTypeYaml = """
        dataset: every_type
        table: every_type
        columns:
          - name: id
            type: int64
            nullable: false
          - name: qty
            type: int32
          - name: price
            type: decimal(5,2)
          - name: amount
            type: decimal(18,4)
            nullable: false
          - name: ratio
            type: double
          - name: flag
            type: bool
          - name: day
            type: date
            formats: [yyyy-MM-dd]
          - name: at
            type: timestamp
            formats: ["yyyy-MM-dd'T'HH:mm:ss'Z'"]
          - name: note
            type: string
        primary_key: [id]
        load:
          mode: append

        """;

    private static DatasetContract EveryType => ContractLoader.Parse(EveryTypeYaml, "every_type.yaml");

    [Test]
    public void Generate_EveryType_IsTheExactDdl()
    {
        var ddl = AthenaDdl.Generate(EveryType, new AthenaTableOptions("analytics", "every_type", "s3://my-archive/every_type/", new DateOnly(2024, 1, 1)));
        Assert.That(ddl, Is.EqualTo("""
            CREATE EXTERNAL TABLE IF NOT EXISTS `analytics`.`every_type` (
              `id` bigint,
              `qty` int,
              `price` decimal(5,2),
              `amount` decimal(18,4),
              `ratio` double,
              `flag` boolean,
              `day` date,
              `at` timestamp,
              `note` string
            )
            PARTITIONED BY (`dt` string)
            STORED AS PARQUET
            LOCATION 's3://my-archive/every_type/'
            TBLPROPERTIES (
              'projection.enabled' = 'true',
              'projection.dt.type' = 'date',
              'projection.dt.format' = 'yyyy-MM-dd',
              'projection.dt.range' = '2024-01-01,NOW',
              'projection.dt.interval' = '1',
              'projection.dt.interval.unit' = 'DAYS',
              'storage.location.template' = 's3://my-archive/every_type/dt=${dt}/'
            );

            """));
        Assert.That(ddl, Does.Not.Contain("MSCK").And.Not.Contain("crawler"));
    }

    [TestCase("plain", "`plain`")]
    [TestCase("select", "`select`")]
    [TestCase("a`b", "`a``b`")]
    public void Quote_WrapsInBackticks_DoublingBackticks(string name, string quoted) =>
        Assert.That(AthenaDdl.Quote(name), Is.EqualTo(quoted));

    [Test]
    public void Generate_ColumnNamedDt_FailsAsContractViolation()
    {
        var contract = ContractLoader.Parse("dataset: d\ntable: d\ncolumns:\n  - name: dt\n    type: date\n", "d.yaml");
        var e = Assert.Throws<EtlException>(() => AthenaDdl.Generate(contract, new AthenaTableOptions("default", "d", "s3://b/d/", new DateOnly(2000, 1, 1))));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("'dt'"));
    }

    [TestCase("Analytics")]
    [TestCase("my-db")]
    [TestCase("")]
    public void Generate_NameAthenaRefuses_Fails(string name) =>
        Assert.Throws<EtlException>(() => AthenaDdl.Generate(EveryType, new AthenaTableOptions(name, "t", "s3://b/p/", new DateOnly(2000, 1, 1))));

    [Test]
    public async Task Cli_DatasetFromTheContractsFolder_PrintsTheTableAtTheBucketsDatasetPrefix()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["athena-ddl", "orders", "--contracts", RepoPaths.Contracts, "--bucket", "my-archive", "--database", "etl"],
            new StringReader(""), stdout, stderr);
        Assert.That(code, Is.Zero, stderr.ToString());
        var ddl = stdout.ToString();
        Assert.That(ddl, Does.StartWith("CREATE EXTERNAL TABLE IF NOT EXISTS `etl`.`orders` (\n  `order_id` bigint,\n"));
        Assert.That(ddl, Does.Contain("  `amount` decimal(12,2),\n").And.Contain("  `created_at` timestamp,\n").And.Contain("  `is_gift` boolean,\n").And.Contain("  `quantity` int\n)"));
        Assert.That(ddl, Does.Contain("LOCATION 's3://my-archive/orders/'"));
        Assert.That(ddl, Does.Contain("'storage.location.template' = 's3://my-archive/orders/dt=${dt}/'"));
        Assert.That(ddl, Does.Contain("'projection.dt.range' = '2000-01-01,NOW'"));
    }

    [Test]
    public async Task Cli_ContractFileAndLocation_UseTheContractsDatasetAndTheLocationGiven()
    {
        var file = Path.Combine(Path.GetTempPath(), "etl-athena-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(file, EveryTypeYaml);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await CliApp.RunAsync(["athena-ddl", "--contract", file, "--location", "s3://lake/raw/every", "--table", "t1", "--range-start", "2023-06-01"],
                new StringReader(""), stdout, stderr);
            Assert.That(code, Is.Zero, stderr.ToString());
            Assert.That(stdout.ToString(), Does.StartWith("CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`t1` ("));
            Assert.That(stdout.ToString(), Does.Contain("LOCATION 's3://lake/raw/every/'").And.Contain("'projection.dt.range' = '2023-06-01,NOW'"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("athena-ddl", "orders")] // no bucket, no location
    [TestCase("athena-ddl", "orders", "--bucket", "b", "--location", "http://x/")]
    [TestCase("athena-ddl", "nosuchdataset", "--bucket", "b")]
    [TestCase("athena-ddl", "orders", "--bucket", "b", "--table", "Bad-Name")]
    [TestCase("athena-ddl", "orders", "--bucket", "b", "--range-start", "2024/01/01")]
    public async Task Cli_BadCommandLine_ExitsTwo(params string[] argv)
    {
        var saved = Environment.GetEnvironmentVariable("ETL_ARCHIVE_BUCKET");
        Environment.SetEnvironmentVariable("ETL_ARCHIVE_BUCKET", null);
        try
        {
            var stderr = new StringWriter();
            var code = await CliApp.RunAsync([.. argv, "--contracts", RepoPaths.Contracts], new StringReader(""), new StringWriter(), stderr);
            Assert.That(code, Is.EqualTo(2), stderr.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("ETL_ARCHIVE_BUCKET", saved);
        }
    }
}
