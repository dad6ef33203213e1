using System.Buffers;
using System.Globalization;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;

namespace EtlFunction.Database;

/// <summary>
/// Rewrites the processed CSV (the canonical format, see <see cref="ProcessedCsv.CanonicalCsvWriter"/>) into
/// the text format that <c>LOAD DATA ... FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'</c>
/// reads back exactly, block by block, so a load never holds more than a block of the file:
/// <list type="bullet">
/// <item>NULL (an empty unquoted field) → <c>\N</c>. LOAD DATA would read an empty field as <c>''</c>, or as 0
/// with a warning in a number column; the empty string (<c>""</c>) stays an empty field, i.e. <c>''</c>.</item>
/// <item><c>,</c> → tab; quoted fields lose their quotes and doubled quotes; backslash, tab, LF, CR and NUL
/// inside a value become <c>\\</c> <c>\t</c> <c>\n</c> <c>\r</c> <c>\0</c>.</item>
/// <item>bool <c>true</c>/<c>false</c> → <c>1</c>/<c>0</c>. Every other value is already in a form MySQL parses
/// exactly (decimals with their scale, <c>yyyy-MM-dd</c>, <c>yyyy-MM-dd HH:mm:ss[.ffffff]</c>, round-trip doubles).</item>
/// </list>
/// The header line is checked against the contract and dropped. A NULL in a NOT NULL column, a wrong field
/// count or text that the canonical writer never produces fails with <see cref="ErrorType.InvalidInput"/>
/// naming the row. Bytes are copied in runs between special characters (vectorised search), with no
/// per-field strings, so the rewrite costs little next to the server's work.
/// </summary>
internal sealed class LoadDataTranscoder
{
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\n\"\\\t\r\0"u8);
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\\\t\n\r\0"u8);

    private readonly DatasetContract _contract;
    private readonly bool[] _isBool;
    private readonly bool[] _notNull;
    private bool _headerDone;

    public LoadDataTranscoder(DatasetContract contract)
    {
        _contract = contract;
        _isBool = contract.Columns.Select(c => c.Type.Kind == TypeKind.Bool).ToArray();
        _notNull = contract.Columns.Select(c => MySqlSchema.IsNotNull(contract, c)).ToArray();
    }

    /// <summary>Data rows written so far (the header is not counted).</summary>
    public long Rows { get; private set; }

    /// <summary>Output space <see cref="Transcode"/> needs for <paramref name="inputLength"/> input bytes (an empty field grows 1 byte into 3).</summary>
    public static int MaxOutput(int inputLength) => checked(3 * inputLength + 16);

    /// <summary>
    /// Rewrites the complete rows at the start of <paramref name="input"/> into <paramref name="output"/> (at least
    /// <see cref="MaxOutput"/> bytes); a row cut off by the end of the block is left for the next call. With
    /// <paramref name="final"/> the block ends the file and is consumed to the end. Returns the bytes written.
    /// </summary>
    public int Transcode(ReadOnlySpan<byte> input, bool final, Span<byte> output, out int consumed)
    {
        if (output.Length < MaxOutput(input.Length)) throw new ArgumentException("output buffer too small", nameof(output));
        var i = 0;
        if (!_headerDone)
        {
            if (!TryHeader(input, final, ref i))
            {
                consumed = 0;
                return 0;
            }
            _headerDone = true;
        }
        var o = 0;
        while (i < input.Length)
        {
            int rowIn = i, rowOut = o;
            if (!Row(input, ref i, output, ref o, final))
            {
                i = rowIn;
                o = rowOut;
                break;
            }
            Rows++;
        }
        consumed = i;
        return o;
    }

    /// <summary>One row; false when the block ends inside it (and it is not the final block).</summary>
    private bool Row(ReadOnlySpan<byte> input, ref int i, Span<byte> output, ref int o, bool final)
    {
        var last = _isBool.Length - 1;
        for (var col = 0; ; col++)
        {
            int start = i, outStart = o;
            if (i < input.Length && input[i] == (byte)'"')
            {
                if (!Quoted(input, ref i, output, ref o, final)) return false;
                if (_isBool[col]) throw Bad(col, "a bool is never quoted");
            }
            else if (!Unquoted(input, ref i, output, ref o, final, col))
            {
                return false;
            }
            if (i - start == 0)
            {
                if (_notNull[col]) throw NullInNotNull(col);
                output[o++] = (byte)'\\';
                output[o++] = (byte)'N';
            }
            else if (_isBool[col])
            {
                o = outStart + Bool(output[outStart..o], col, output[outStart..]);
            }
            if (i == input.Length)
            {
                // final block without a line end after the last row
                if (col != last) throw Bad(col, $"has {col + 1} fields, expected {_isBool.Length}");
                output[o++] = (byte)'\n';
                return true;
            }
            var end = input[i++];
            if (end == (byte)'\n')
            {
                if (col != last) throw Bad(col, $"has {col + 1} fields, expected {_isBool.Length}");
                output[o++] = (byte)'\n';
                return true;
            }
            if (end != (byte)',') throw Bad(col, "has text after a closing quote");
            if (col == last) throw Bad(col, $"has more than {_isBool.Length} fields");
            output[o++] = (byte)'\t';
        }
    }

    /// <summary>Copies an unquoted field up to its <c>,</c> or line end (not consumed), escaping as it goes.</summary>
    private bool Unquoted(ReadOnlySpan<byte> input, ref int i, Span<byte> output, ref int o, bool final, int col)
    {
        while (true)
        {
            var rest = input[i..];
            var k = rest.IndexOfAny(UnquotedStops);
            if (k < 0)
            {
                if (!final) return false;
                rest.CopyTo(output[o..]);
                o += rest.Length;
                i = input.Length;
                return true;
            }
            rest[..k].CopyTo(output[o..]);
            o += k;
            i += k;
            var c = input[i];
            if (c is (byte)',' or (byte)'\n') return true;
            if (c is (byte)'"' or (byte)'\r') throw Bad(col, c == '"' ? "has a quote inside an unquoted field" : "has a carriage return outside quotes");
            Escape(c, output, ref o);
            i++;
        }
    }

    /// <summary>Copies a quoted field without its quotes (doubled quotes become one) and leaves <c>i</c> after the closing quote.</summary>
    private static bool Quoted(ReadOnlySpan<byte> input, ref int i, Span<byte> output, ref int o, bool final)
    {
        var p = i + 1;
        while (true)
        {
            var rest = input[p..];
            var k = rest.IndexOfAny(QuotedStops);
            if (k < 0)
            {
                if (!final) return false;
                throw new EtlException(ErrorType.InvalidInput, "processed CSV ends inside a quoted field");
            }
            rest[..k].CopyTo(output[o..]);
            o += k;
            p += k;
            var c = input[p];
            if (c == (byte)'"')
            {
                if (p + 1 == input.Length && !final) return false;
                if (p + 1 < input.Length && input[p + 1] == (byte)'"')
                {
                    output[o++] = (byte)'"';
                    p += 2;
                    continue;
                }
                i = p + 1;
                return true;
            }
            Escape(c, output, ref o);
            p++;
        }
    }

    private static void Escape(byte c, Span<byte> output, ref int o)
    {
        output[o++] = (byte)'\\';
        output[o++] = c switch
        {
            (byte)'\t' => (byte)'t',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            0 => (byte)'0',
            _ => c,
        };
    }

    /// <summary>Replaces the copied <c>true</c>/<c>false</c> by <c>1</c>/<c>0</c>; returns the new length.</summary>
    private int Bool(ReadOnlySpan<byte> copied, int col, Span<byte> output)
    {
        if (copied.SequenceEqual("true"u8)) output[0] = (byte)'1';
        else if (copied.SequenceEqual("false"u8)) output[0] = (byte)'0';
        else throw Bad(col, $"'{Encoding.UTF8.GetString(copied)}' is not a canonical bool");
        return 1;
    }

    /// <summary>Checks the header line against the contract's column names; false when it is not complete yet.</summary>
    private bool TryHeader(ReadOnlySpan<byte> input, bool final, ref int i)
    {
        var inQuotes = false;
        var end = -1;
        for (var p = 0; p < input.Length; p++)
        {
            if (input[p] == (byte)'"') inQuotes = !inQuotes;
            else if (input[p] == (byte)'\n' && !inQuotes)
            {
                end = p;
                break;
            }
        }
        if (end < 0 && !final) return false;
        if (end < 0 && input.IsEmpty) throw new EtlException(ErrorType.InvalidInput, "processed CSV is empty (no header)");
        var line = end < 0 ? input : input[..end];
        var names = SplitHeader(Encoding.UTF8.GetString(line));
        if (!names.SequenceEqual(_contract.Columns.Select(c => c.Name)))
        {
            throw new EtlException(ErrorType.InvalidInput,
                $"processed CSV header [{string.Join(",", names)}] does not match contract '{_contract.Dataset}' [{string.Join(",", _contract.Columns.Select(c => c.Name))}]");
        }
        i = end < 0 ? input.Length : end + 1;
        return true;
    }

    private static List<string> SplitHeader(string line)
    {
        var names = new List<string>();
        var sb = new StringBuilder();
        var inQuotes = false;
        for (var p = 0; p < line.Length; p++)
        {
            var ch = line[p];
            if (inQuotes)
            {
                if (ch != '"') sb.Append(ch);
                else if (p + 1 < line.Length && line[p + 1] == '"') sb.Append(line[++p]);
                else inQuotes = false;
            }
            else if (ch == '"') inQuotes = true;
            else if (ch == ',')
            {
                names.Add(sb.ToString());
                sb.Clear();
            }
            else sb.Append(ch);
        }
        names.Add(sb.ToString());
        return names;
    }

    private EtlException NullInNotNull(int col) =>
        new(ErrorType.InvalidInput,
            $"NULL in NOT NULL column {_contract.Table}.{_contract.Columns[col].Name} in table {MySqlSchema.Quote(_contract.Table)}, " +
            $"processed CSV row {RowText}; nothing was loaded");

    private EtlException Bad(int col, string what) =>
        new(ErrorType.InvalidInput, $"processed CSV row {RowText} (column {_contract.Columns[col].Name}) {what}");

    private string RowText => (Rows + 1).ToString(CultureInfo.InvariantCulture);
}
