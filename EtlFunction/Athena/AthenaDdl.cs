using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Athena;

/// <summary>Where and how the Athena table is declared; <see cref="Location"/> is the dataset's archive prefix, ending in <c>/</c>.</summary>
public sealed record AthenaTableOptions(string Database, string Table, string Location, DateOnly RangeStart);

/// <summary>
/// The <c>CREATE EXTERNAL TABLE</c> that makes a dataset's Parquet archive queryable in Athena without a
/// crawler or <c>MSCK REPAIR</c>: partition projection on <c>dt</c> (a date, <c>yyyy-MM-dd</c>, one per day
/// from a start to <c>NOW</c>) maps each day straight to <c>&lt;location&gt;dt=&lt;day&gt;/</c>, the folder
/// <see cref="Buckets.ArchiveFolder"/> names. Column types are the ones <c>Parquet/ParquetLayout</c> writes,
/// so Athena reads the files without a cast; the Parquet reader matches columns by name.
/// </summary>
public static partial class AthenaDdl
{
    /// <summary>The partition column: the archive folders' <c>dt=YYYY-MM-DD</c>.</summary>
    public const string PartitionColumn = "dt";

    /// <summary>The Athena (Hive DDL) type of a contract type, as the archive stores it (see <c>ParquetLayout</c>).</summary>
    public static string TypeOf(ColumnType type) => type.Kind switch
    {
        TypeKind.String => "string",
        TypeKind.Int32 => "int",
        TypeKind.Int64 => "bigint",
        TypeKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"decimal({type.Precision},{type.Scale})"),
        TypeKind.Double => "double",
        TypeKind.Bool => "boolean",
        TypeKind.Date => "date",
        // INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true): Athena reads it as a timestamp in UTC.
        TypeKind.Timestamp => "timestamp",
        _ => throw new EtlException(ErrorType.InternalError, $"no Athena type for {type}"),
    };

    /// <summary>A Hive/Athena DDL identifier in backticks (a backtick inside is doubled).</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>
    /// Whether a database or table name is one Athena accepts as is: lower-case letters, digits and
    /// underscores (Athena lower-cases names and the Glue catalog keeps no other characters reliably).
    /// </summary>
    public static bool IsValidName(string name) => name.Length is > 0 and <= 255 && NamePattern().IsMatch(name);

    /// <summary>The default archive prefix of a dataset in a bucket: <c>s3://BUCKET/&lt;dataset&gt;/</c>.</summary>
    public static string LocationOf(string bucket, string dataset) => $"s3://{bucket}/{dataset}/";

    public static string Generate(DatasetContract contract, AthenaTableOptions options)
    {
        if (!IsValidName(options.Database)) throw new EtlException(ErrorType.InvalidInput, $"'{options.Database}' is not an Athena database name (lower-case letters, digits, _)");
        if (!IsValidName(options.Table)) throw new EtlException(ErrorType.InvalidInput, $"'{options.Table}' is not an Athena table name (lower-case letters, digits, _)");
        if (!options.Location.StartsWith("s3://", StringComparison.Ordinal) || !options.Location.EndsWith('/'))
        {
            throw new EtlException(ErrorType.InvalidInput, $"the location must be an s3:// prefix ending in /, got '{options.Location}'");
        }
        if (contract.Columns.FirstOrDefault(c => string.Equals(c.Name, PartitionColumn, StringComparison.OrdinalIgnoreCase)) is { } clash)
        {
            throw new EtlException(ErrorType.ContractViolation,
                $"column '{clash.Name}' has the name of the archive's partition column '{PartitionColumn}': Athena cannot declare both (rename the column in the contract)");
        }
        var sb = new StringBuilder();
        sb.Append("CREATE EXTERNAL TABLE IF NOT EXISTS ").Append(Quote(options.Database)).Append('.').Append(Quote(options.Table)).Append(" (\n");
        for (var i = 0; i < contract.Columns.Count; i++)
        {
            var c = contract.Columns[i];
            sb.Append("  ").Append(Quote(c.Name)).Append(' ').Append(TypeOf(c.Type)).Append(i + 1 < contract.Columns.Count ? ",\n" : "\n");
        }
        sb.Append(")\n");
        sb.Append("PARTITIONED BY (").Append(Quote(PartitionColumn)).Append(" string)\n");
        sb.Append("STORED AS PARQUET\n");
        sb.Append("LOCATION ").Append(Literal(options.Location)).Append('\n');
        sb.Append("TBLPROPERTIES (\n");
        var start = options.RangeStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var properties = new (string, string)[]
        {
            ("projection.enabled", "true"),
            ($"projection.{PartitionColumn}.type", "date"),
            ($"projection.{PartitionColumn}.format", "yyyy-MM-dd"),
            ($"projection.{PartitionColumn}.range", $"{start},NOW"),
            ($"projection.{PartitionColumn}.interval", "1"),
            ($"projection.{PartitionColumn}.interval.unit", "DAYS"),
            ("storage.location.template", options.Location + PartitionColumn + "=${" + PartitionColumn + "}/"),
        };
        for (var i = 0; i < properties.Length; i++)
        {
            var (name, value) = properties[i];
            sb.Append("  ").Append(Literal(name)).Append(" = ").Append(Literal(value)).Append(i + 1 < properties.Length ? ",\n" : "\n");
        }
        sb.Append(");\n");
        return sb.ToString();
    }

    /// <summary>A single-quoted DDL string literal (a quote inside is escaped with a backslash, as Hive DDL reads it).</summary>
    private static string Literal(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex NamePattern();
}
