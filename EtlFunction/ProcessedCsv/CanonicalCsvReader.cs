using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Values;
using nietras.SeparatedValues;

namespace EtlFunction.ProcessedCsv;

/// <summary>
/// Reads a processed CSV written by <see cref="CanonicalCsvWriter"/> back into typed values for the
/// loaders and the Parquet writer. It checks the header against the contract and parses each value
/// with the canonical rules only, so a processed file that was edited by hand fails loudly
/// (<see cref="ErrorType.InvalidInput"/>) instead of loading something else.
/// </summary>
public sealed class CanonicalCsvReader : IDisposable
{
    private readonly SepReader _reader;
    private readonly ColumnType[] _types;
    private readonly long[] _longs;
    private readonly double[] _doubles;
    private readonly bool[] _nulls;
    private char[] _unescaped = new char[256];
    private readonly DatasetContract _contract;

    public CanonicalCsvReader(Stream utf8, DatasetContract contract)
    {
        _contract = contract;
        _reader = Sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false })
            .From(new StreamReader(utf8, new UTF8Encoding(false, true), false, 1 << 16));
        var n = contract.Columns.Count;
        _types = contract.Columns.Select(c => c.Type).ToArray();
        _longs = new long[n];
        _doubles = new double[n];
        _nulls = new bool[n];
        if (!_reader.MoveNext()) throw new EtlException(ErrorType.InvalidInput, "processed CSV is empty (no header)");
        var header = _reader.Current;
        var names = new string[header.ColCount];
        for (var i = 0; i < names.Length; i++) names[i] = header[i].ToString();
        if (!names.SequenceEqual(contract.Columns.Select(c => c.Name)))
        {
            throw new EtlException(ErrorType.InvalidInput,
                $"processed CSV header [{string.Join(",", names)}] does not match contract '{contract.Dataset}' [{string.Join(",", contract.Columns.Select(c => c.Name))}]");
        }
    }

    public int FieldCount => _types.Length;
    public long RowNumber { get; private set; }

    /// <summary>Moves to the next row and parses all its values; false at the end.</summary>
    public bool Read()
    {
        if (!_reader.MoveNext()) return false;
        RowNumber++;
        var row = _reader.Current;
        if (row.ColCount != _types.Length) throw Bad($"has {row.ColCount} fields, expected {_types.Length}");
        for (var i = 0; i < _types.Length; i++)
        {
            var raw = row[i].Span;
            if (raw.IsEmpty)
            {
                _nulls[i] = true;
                continue;
            }
            _nulls[i] = false;
            var t = _types[i];
            var ok = true;
            switch (t.Kind)
            {
                case TypeKind.String: break; // materialized on demand (GetChars/GetString): no allocation per field here
                case TypeKind.Int32 or TypeKind.Int64: ok = ValueParser.TryParseInt64(raw, null, out _longs[i]); break;
                case TypeKind.Decimal: ok = ValueParser.TryParseDecimal(raw, t.Precision, t.Scale, null, out _longs[i]); break;
                case TypeKind.Double: ok = ValueParser.TryParseDouble(raw, null, out _doubles[i]); break;
                case TypeKind.Bool:
                    ok = raw is "true" || raw is "false";
                    _longs[i] = raw is "true" ? 1 : 0;
                    break;
                case TypeKind.Date: ok = TryCanonicalDate(raw, out _longs[i]) || ValueParser.TryParseDate(raw, ValueParser.DefaultDateFormats, out _longs[i]); break;
                case TypeKind.Timestamp: ok = TryCanonicalTimestamp(raw, out _longs[i]) || ValueParser.TryParseTimestamp(raw, ValueParser.DefaultTimestampFormats, out _longs[i]); break;
            }
            if (!ok) throw Bad($"column {_contract.Columns[i].Name}: '{raw}' is not a canonical {t}");
        }
        return true;
    }

    public bool IsNull(int i) => _nulls[i];
    /// <summary>int32/int64 value, decimal unscaled value, bool 0/1, date day number, or timestamp Unix microseconds.</summary>
    public long GetInt64(int i) => _longs[i];
    public double GetDouble(int i) => _doubles[i];
    public string GetString(int i) => new(GetChars(i));

    /// <summary>
    /// A string value's characters, unquoted, without allocating: the Parquet writer encodes them to
    /// UTF-8 straight from the read buffer (a string per field was most of the archive's garbage).
    /// Valid until the next <see cref="Read"/> or <see cref="GetChars"/> call.
    /// </summary>
    public ReadOnlySpan<char> GetChars(int i)
    {
        if (_types[i].Kind != TypeKind.String || _nulls[i]) throw new InvalidOperationException("not a string column or NULL");
        var raw = _reader.Current[i].Span;
        if (raw[0] != '"') return raw;
        raw = raw[1..^1];
        if (_unescaped.Length < raw.Length) _unescaped = new char[Math.Max(raw.Length, _unescaped.Length * 2)];
        var n = 0;
        for (var start = 0; start < raw.Length;)
        {
            var q = raw[start..].IndexOf('"');
            var piece = q < 0 ? raw[start..] : raw.Slice(start, q + 1);
            piece.CopyTo(_unescaped.AsSpan(n));
            n += piece.Length;
            start += q < 0 ? piece.Length : q + 2; // a quote inside a quoted field is always doubled
        }
        return _unescaped.AsSpan(0, n);
    }

    /// <summary>
    /// The date shape <see cref="CanonicalCsvWriter"/> writes, <c>yyyy-MM-dd</c>, read at fixed offsets: the
    /// general format parser took about a tenth of the archive's parse thread. Anything else goes to the
    /// general parser, which decides, so what is accepted and the values are unchanged.
    /// </summary>
    private static bool TryCanonicalDate(ReadOnlySpan<char> s, out long dayNumber)
    {
        dayNumber = 0;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        dayNumber = new DateOnly(year, month, day).DayNumber;
        return true;
    }

    /// <summary>As <see cref="TryCanonicalDate"/> for timestamps: <c>yyyy-MM-dd HH:mm:ss</c>, then <c>.ffffff</c> when not whole seconds.</summary>
    private static bool TryCanonicalTimestamp(ReadOnlySpan<char> s, out long micros)
    {
        micros = 0;
        var fraction = 0;
        if (s.Length is not (19 or 26) || s[10] != ' ' || s[13] != ':' || s[16] != ':'
            || !TryCanonicalDate(s[..10], out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)
            || hour > 23 || minute > 59 || second > 59
            || (s.Length == 26 && (s[19] != '.' || !Digits(s, 20, 6, out fraction)))) return false;
        micros = (day - ValueParser.UnixEpochDayNumber) * ValueParser.MicrosPerDay + ((hour * 60L + minute) * 60 + second) * 1_000_000 + fraction;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9) return false;
            value = value * 10 + (int)digit;
        }
        return true;
    }

    private EtlException Bad(string what) =>
        new(ErrorType.InvalidInput, $"processed CSV row {RowNumber} {what}");

    public void Dispose() => _reader.Dispose();
}
