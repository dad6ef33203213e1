using EtlFunction.Values;

namespace EtlFunction.Contracts;

/// <summary>
/// Contract literals (check and filter values) read as their column's type, with the canonical parsers
/// of <see cref="ValueParser"/>. Here rather than in <c>Values/</c> so values know nothing of contracts.
/// </summary>
public readonly partial record struct ColumnType
{
    /// <summary>Parses a contract literal (a check or filter value) with the type's canonical rules.</summary>
    public bool TryParseLiteral(string text, out long l, out double d)
    {
        l = 0;
        d = 0;
        var s = text.AsSpan().Trim();
        switch (Kind)
        {
            case TypeKind.String: return true;
            case TypeKind.Int32:
                return ValueParser.TryParseInt64(s, null, out l) && l is >= int.MinValue and <= int.MaxValue;
            case TypeKind.Int64: return ValueParser.TryParseInt64(s, null, out l);
            case TypeKind.Decimal: return ValueParser.TryParseDecimal(s, Precision, Scale, null, out l);
            case TypeKind.Double: return ValueParser.TryParseDouble(s, null, out d);
            case TypeKind.Bool:
                var ok = ValueParser.TryParseBool(s, ["true", "1", "yes"], ["false", "0", "no"], out var b);
                l = b ? 1 : 0;
                return ok;
            case TypeKind.Date: return ValueParser.TryParseDate(s, ValueParser.DefaultDateFormats, out l);
            case TypeKind.Timestamp: return ValueParser.TryParseTimestamp(s, ValueParser.DefaultTimestampFormats, out l);
            default: return false;
        }
    }

    public bool CanParseLiteral(string text) => TryParseLiteral(text, out _, out _);
}
