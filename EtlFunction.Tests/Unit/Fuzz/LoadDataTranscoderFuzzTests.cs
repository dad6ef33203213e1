using System.Text;
using CsCheck;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// The LOAD DATA transcoder on random processed CSV: every value (NULL, empty string, quotes, line ends,
/// tabs, backslashes, NUL, every type) reads back from the LOAD DATA text exactly, at any block size;
/// mutated processed CSV either transcodes or fails with <see cref="ErrorType.InvalidInput"/>.
/// </summary>
public sealed class LoadDataTranscoderFuzzTests
{
    private static readonly string[] Pieces = ["a", "b", " ", ",", "\"", "\"\"", "\n", "\r", "\r\n", "\t", "\\", "\\N", "N", "\0", "é", "😀", "NULL", "0"];

    public sealed record Table(ColumnSpec[] Columns, object?[][] Rows, int Block)
    {
        public DatasetContract Contract => new() { Dataset = "t", Table = "t", Columns = Columns, PrimaryKey = [], LoadMode = LoadMode.Append };
    }

    private static Table Build(int columns, int rows, ulong seed, int block)
    {
        var rnd = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var specs = Enumerable.Range(0, columns).Select(i =>
        {
            var kind = (TypeKind)rnd.Next(8);
            var precision = rnd.Next(1, 19);
            var type = kind == TypeKind.Decimal ? ColumnType.Decimal(precision, rnd.Next(0, Math.Min(precision, 6) + 1)) : new ColumnType(kind);
            return new ColumnSpec { Name = "c" + i, Source = "c" + i, Type = type, Nullable = rnd.Next(3) > 0 };
        }).ToArray();
        var data = new object?[rows][];
        for (var r = 0; r < rows; r++)
        {
            data[r] = specs.Select(c => c.Nullable && rnd.Next(5) == 0 ? null : Value(rnd, c.Type)).ToArray();
        }
        return new Table(specs, data, block);
    }

    private static object Value(Random rnd, ColumnType type) => type.Kind switch
    {
        TypeKind.String => string.Concat(Enumerable.Range(0, rnd.Next(0, 6)).Select(_ => Pieces[rnd.Next(Pieces.Length)])),
        TypeKind.Int32 => (long)rnd.Next(int.MinValue, int.MaxValue),
        TypeKind.Int64 => rnd.NextInt64(long.MinValue, long.MaxValue),
        TypeKind.Decimal => rnd.NextInt64(-(Pow10(type.Precision) - 1), Pow10(type.Precision)),
        TypeKind.Double => rnd.Next(4) switch
        {
            0 => 0.0,
            1 => rnd.NextDouble() * 1e-300,
            2 => (rnd.NextDouble() - 0.5) * 1e300,
            _ => Math.Round((rnd.NextDouble() - 0.5) * 1000, rnd.Next(0, 8)),
        },
        TypeKind.Bool => rnd.Next(2) == 0,
        TypeKind.Date => (long)rnd.Next(0, DateOnly.MaxValue.DayNumber + 1),
        _ => rnd.NextInt64(-62_135_596_800_000_000L, 253_402_300_800_000_000L),
    };

    private static long Pow10(int n)
    {
        var v = 1L;
        for (var i = 0; i < n; i++) v *= 10;
        return v;
    }

    private static byte[] Processed(Table t)
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            w.WriteHeader(t.Columns.Select(c => c.Name));
            foreach (var row in t.Rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    var type = t.Columns[i].Type;
                    switch (row[i])
                    {
                        case null: w.WriteNull(); break;
                        case string s: w.WriteString(s); break;
                        case bool b: w.WriteBool(b); break;
                        case double d: w.WriteDouble(d); break;
                        case long l when type.Kind == TypeKind.Decimal: w.WriteDecimal(l, type.Scale); break;
                        case long l when type.Kind == TypeKind.Date: w.WriteDate(l); break;
                        case long l when type.Kind == TypeKind.Timestamp: w.WriteTimestamp(l); break;
                        case long l: w.WriteInt64(l); break;
                        default: throw new InvalidOperationException("no writer for " + row[i]);
                    }
                }
                w.EndRow();
            }
            w.Flush();
        }
        return ms.ToArray();
    }

    private static byte[] Transcode(DatasetContract contract, byte[] csv, int block)
    {
        using var stream = new MySqlLoadDataStream(new DribbleStream(csv, block), new LoadDataTranscoder(contract), CancellationToken.None);
        using var output = new MemoryStream();
        stream.CopyTo(output, 1 + block % 97);
        return output.ToArray();
    }

    private static readonly Gen<Table> Tables = Gen.Select(Gen.Int[1, 5], Gen.Int[0, 25], Gen.ULong, Gen.Int[1, 200], Build);

    [Test]
    public void Transcode_RandomProcessedCsv_ReadsBackExactly()
    {
        Fuzz.Check(Tables, t =>
        {
            var csv = Processed(t);
            var expected = CsvFields(csv).Skip(1).Select(r => r.Select((f, i) => Expected(t.Columns[i].Type, f)).ToArray()).ToList();
            var tsv = Transcode(t.Contract, csv, t.Block);
            var actual = TsvFields(tsv);
            Same(actual.Count, expected.Count, "rows");
            for (var r = 0; r < expected.Count; r++)
            {
                Same(string.Join('|', actual[r].Select(Show)), string.Join('|', expected[r].Select(Show)), $"row {r + 1}");
                for (var c = 0; c < t.Columns.Length; c++)
                {
                    if (t.Columns[c].Type.Kind == TypeKind.String) Same(Show(actual[r][c]), Show((string?)t.Rows[r][c]), $"row {r + 1} string column {c}");
                }
            }
        }, ciIterations: 3000, t => $"block {t.Block}, csv \"{Fuzz.Escape(Processed(t))}\", types [{string.Join(", ", t.Columns.Select(c => c.Type + (c.Nullable ? "" : " not null")))}]");
    }

    [Test]
    public void Transcode_MutatedProcessedCsv_TranscodesOrFailsInvalidInput()
    {
        var gen = Gen.Select(Tables, Gen.Int[1, 6], Gen.ULong, (t, edits, seed) => (Table: t, Csv: Mutate(Processed(t), edits, seed)));
        Fuzz.Check(gen, c =>
        {
            try
            {
                Transcode(c.Table.Contract, c.Csv, c.Table.Block);
            }
            catch (EtlException e)
            {
                Fuzz.AssertTyped(e, ErrorType.InvalidInput);
            }
        }, ciIterations: 3000, c => $"block {c.Table.Block}, csv \"{Fuzz.Escape(c.Csv)}\", types [{string.Join(", ", c.Table.Columns.Select(x => x.Type + (x.Nullable ? "" : " not null")))}]");
    }

    private static byte[] Mutate(byte[] csv, int edits, ulong seed)
    {
        var rnd = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var bytes = new List<byte>(csv);
        var specials = "\",\n\r\t\\\0x1-.:eé "u8.ToArray();
        for (var i = 0; i < edits; i++)
        {
            var at = rnd.Next(bytes.Count + 1);
            switch (rnd.Next(3))
            {
                case 0 when at < bytes.Count: bytes.RemoveAt(at); break;
                case 1 when at < bytes.Count: bytes[at] = rnd.Next(4) == 0 ? (byte)rnd.Next(256) : specials[rnd.Next(specials.Length)]; break;
                default: bytes.Insert(at, specials[rnd.Next(specials.Length)]); break;
            }
        }
        return [.. bytes];
    }

    private static string? Expected(ColumnType type, string? field) =>
        field is null ? null : type.Kind == TypeKind.Bool ? field switch { "true" => "1", "false" => "0", _ => "?" + field } : field;

    private static string Show(string? v) => v is null ? "<NULL>" : Fuzz.Escape(v);

    private static void Same<T>(T actual, T expected, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected)) throw new AssertionException($"{what}: LOAD DATA reads back {actual}, expected {expected}");
    }

    /// <summary>The processed CSV's records; an empty unquoted field is NULL, <c>""</c> the empty string.</summary>
    private static List<string?[]> CsvFields(byte[] csv)
    {
        var text = Encoding.UTF8.GetString(csv);
        var records = new List<string?[]>();
        var fields = new List<string?>();
        var sb = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (ch == '"' && sb.Length == 0 && !quoted)
            {
                quoted = true;
                i++;
                while (true)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                continue;
            }
            if (ch is ',' or '\n')
            {
                fields.Add(sb.Length == 0 && !quoted ? null : sb.ToString());
                sb.Clear();
                quoted = false;
                if (ch == '\n')
                {
                    records.Add([.. fields]);
                    fields.Clear();
                }
                i++;
                continue;
            }
            sb.Append(ch);
            i++;
        }
        return records;
    }

    /// <summary>LOAD DATA's reading of the text: tab-separated, newline-terminated, <c>\N</c> NULL, backslash escapes.</summary>
    private static List<string?[]> TsvFields(byte[] tsv)
    {
        var text = Encoding.UTF8.GetString(tsv);
        if (text.Length > 0 && text[^1] != '\n') throw new AssertionException("LOAD DATA text does not end with a line end");
        var lines = text.Length == 0 ? [] : text[..^1].Split('\n');
        return lines.Select(line => line.Split('\t').Select(f =>
        {
            if (f == "\\N") return null;
            var sb = new StringBuilder();
            for (var i = 0; i < f.Length; i++)
            {
                if (f[i] != '\\') { sb.Append(f[i]); continue; }
                var next = ++i < f.Length ? f[i] : throw new AssertionException("a trailing backslash");
                sb.Append(next switch { '\\' => '\\', 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', _ => throw new AssertionException("unknown escape \\" + next) });
            }
            return sb.ToString();
        }).ToArray()).ToList();
    }

    /// <summary>Returns at most <c>block</c> bytes per read, like a network stream.</summary>
    private sealed class DribbleStream(byte[] data, int block) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, block));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, block)]);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, block)], cancellationToken);
    }
}
