using System.Globalization;
using System.Text.RegularExpressions;

namespace EtlFunction.Contracts;

/// <summary>The logical types a contract column can have; each maps to one Parquet, SQLite and MySQL type.</summary>
public enum TypeKind { String, Int32, Int64, Decimal, Double, Bool, Date, Timestamp }

/// <summary>
/// A column's logical type as written in a contract (<c>int64</c>, <c>decimal(12,2)</c>, ...).
/// Decimals are exact (an unscaled 64-bit integer), so precision is capped at 18 digits.
/// </summary>
public readonly partial record struct ColumnType(TypeKind Kind, int Precision = 0, int Scale = 0)
{
    public const int MaxDecimalPrecision = 18;

    public static ColumnType String => new(TypeKind.String);
    public static ColumnType Int32 => new(TypeKind.Int32);
    public static ColumnType Int64 => new(TypeKind.Int64);
    public static ColumnType Double => new(TypeKind.Double);
    public static ColumnType Bool => new(TypeKind.Bool);
    public static ColumnType Date => new(TypeKind.Date);
    public static ColumnType Timestamp => new(TypeKind.Timestamp);
    public static ColumnType Decimal(int precision, int scale) => new(TypeKind.Decimal, precision, scale);

    public bool IsInteger => Kind is TypeKind.Int32 or TypeKind.Int64;
    public bool IsNumeric => Kind is TypeKind.Int32 or TypeKind.Int64 or TypeKind.Decimal or TypeKind.Double;

    /// <summary>Parses a contract type name; returns false with a reason for anything unknown.</summary>
    public static bool TryParse(string text, out ColumnType type, out string? error)
    {
        error = null;
        type = default;
        var t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "string" or "text" or "varchar": type = String; return true;
            case "int32" or "int" or "integer": type = Int32; return true;
            case "int64" or "bigint" or "long": type = Int64; return true;
            case "double" or "float64" or "float": type = Double; return true;
            case "bool" or "boolean": type = Bool; return true;
            case "date": type = Date; return true;
            case "timestamp" or "datetime": type = Timestamp; return true;
        }
        var m = DecimalPattern().Match(t);
        if (m.Success)
        {
            var p = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var s = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (p < 1 || p > MaxDecimalPrecision)
            {
                error = $"decimal precision must be 1..{MaxDecimalPrecision}, got {p}";
                return false;
            }
            if (s > p)
            {
                error = $"decimal scale {s} is larger than precision {p}";
                return false;
            }
            type = Decimal(p, s);
            return true;
        }
        error = $"unknown type '{text}' (expected string, int32, int64, decimal(p,s), double, bool, date or timestamp)";
        return false;
    }

    public override string ToString() => Kind switch
    {
        TypeKind.Decimal => $"decimal({Precision},{Scale})",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex(@"^decimal\s*\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$")]
    private static partial Regex DecimalPattern();
}
