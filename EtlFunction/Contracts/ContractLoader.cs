using System.Globalization;
using EtlFunction.Errors;
using EtlFunction.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EtlFunction.Contracts;

/// <summary>
/// Reads a dataset contract from YAML and validates it completely before any data is touched:
/// every mistake (unknown type, duplicate column, filter on an unknown column, bad regex, unknown
/// key) fails with <see cref="ErrorType.ContractViolation"/> naming the file, line and field.
/// </summary>
public static class ContractLoader
{
    public static DatasetContract LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static DatasetContract Parse(string yaml, string origin)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw Fail(origin, (int)e.Start.Line, "yaml", e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these (not a YamlException) on some broken input, e.g. "a: [\nb: c\n  - ? x: y" (scanner)
            // or "  - : :name: ticket" (an event the node loader does not support).
            throw Fail(origin, 1, "yaml", "not valid YAML (" + e.Message + ")");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Fail(origin, 1, "contract", "the contract must be a YAML mapping with 'dataset' and 'columns'");
        }
        return new Reader(origin).ReadContract(root);
    }

    internal static EtlException Fail(string origin, int line, string field, string message) =>
        new(ErrorType.ContractViolation, $"{origin}:{line}: {field}: {message}");

    private sealed class Reader(string origin)
    {
        private static readonly string[] TopKeys =
            ["dataset", "table", "delimiter", "encoding", "null_values", "unknown_columns", "max_field_length",
             "columns", "filters", "primary_key", "dedupe", "load", "archive", "description", SchemaEvolutionYaml.Key];
        private static readonly string[] ColumnKeys =
            ["name", "source", "type", "nullable", "null_values", "formats", "true_values", "false_values",
             "thousands_separator", "transforms", "checks", "description"];
        private static readonly string[] ConditionKeys =
            ["equals", "not_equals", "in", "not_in", "min", "max", "min_length", "max_length", "pattern", "is_null"];

        public DatasetContract ReadContract(YamlMappingNode root)
        {
            CheckKeys(root, TopKeys, "contract");
            var dataset = RequiredScalar(root, "dataset");
            if (!Identifiers.IsSafe(dataset.Value!))
            {
                throw Error(dataset, "dataset", $"'{dataset.Value}' must match [a-z_][a-z0-9_]* (at most 64 characters)");
            }
            var table = OptionalScalar(root, "table");
            if (table is not null && !Identifiers.IsSafe(table.Value!))
            {
                throw Error(table, "table", $"'{table.Value}' must match [a-z_][a-z0-9_]* (at most 64 characters)");
            }
            var delimiter = ',';
            if (OptionalScalar(root, "delimiter") is { } d)
            {
                var v = d.Value == "\\t" ? "\t" : d.Value!;
                if (v.Length != 1 || v[0] is '"' or '\r' or '\n') throw Error(d, "delimiter", $"must be one character other than a quote or newline, got '{d.Value}'");
                delimiter = v[0];
            }
            var encoding = "utf-8";
            if (OptionalScalar(root, "encoding") is { } enc)
            {
                encoding = enc.Value!.ToLowerInvariant() switch
                {
                    "utf-8" or "utf8" => "utf-8",
                    "latin1" or "iso-8859-1" or "latin-1" => "latin1",
                    "windows-1252" or "cp1252" => "windows-1252",
                    "utf-16le" or "utf-16-le" => "utf-16le",
                    "utf-16be" or "utf-16-be" => "utf-16be",
                    _ => throw Error(enc, "encoding", $"'{enc.Value}' is not supported (utf-8, latin1, windows-1252 (cp1252), utf-16le or utf-16be)"),
                };
            }
            var nullValues = OptionalList(root, "null_values") ?? DatasetContract.DefaultNullValues;
            var unknown = UnknownColumnPolicy.Fail;
            if (OptionalScalar(root, "unknown_columns") is { } u)
            {
                unknown = u.Value switch
                {
                    "fail" => UnknownColumnPolicy.Fail,
                    "ignore" => UnknownColumnPolicy.Ignore,
                    _ => throw Error(u, "unknown_columns", $"'{u.Value}' is not one of fail, ignore"),
                };
            }
            var maxField = 1 << 20;
            if (OptionalScalar(root, "max_field_length") is { } mf) maxField = Int(mf, "max_field_length", 1);

            if (!root.Children.TryGetValue(new YamlScalarNode("columns"), out var colsNode) || colsNode is not YamlSequenceNode cols || cols.Children.Count == 0)
            {
                throw Error(root, "columns", "a non-empty list of columns is required");
            }
            var columns = new List<ColumnSpec>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var node in cols.Children)
            {
                var col = ReadColumn(node, nullValues);
                if (names.TryGetValue(col.Name, out var firstLine))
                {
                    throw Error(node, "columns", $"duplicate column '{col.Name}' (first declared on line {firstLine})");
                }
                // A repeated source is allowed: a file may repeat a header text, and the columns that
                // name it match its occurrences left to right (see ColumnSpec.Source).
                names[col.Name] = col.Line;
                columns.Add(col);
            }

            var filters = new List<RowFilter>();
            if (root.Children.TryGetValue(new YamlScalarNode("filters"), out var fNode))
            {
                if (fNode is not YamlSequenceNode fs) throw Error(fNode, "filters", "must be a list");
                foreach (var f in fs.Children) filters.Add(ReadFilter(f, columns));
            }

            var pk = new List<string>();
            if (root.Children.TryGetValue(new YamlScalarNode("primary_key"), out var pkNode))
            {
                var list = pkNode is YamlScalarNode one ? [one.Value!] : ScalarList(pkNode, "primary_key");
                foreach (var k in list)
                {
                    var idx = columns.FindIndex(c => c.Name == k);
                    if (idx < 0) throw Error(pkNode, "primary_key", $"unknown column '{k}'");
                    if (columns[idx].Nullable)
                    {
                        columns[idx] = columns[idx] with { Nullable = false };
                    }
                    pk.Add(k);
                }
            }

            var dedupe = DedupePolicy.KeepLast;
            if (OptionalScalar(root, "dedupe") is { } dd)
            {
                dedupe = dd.Value switch
                {
                    "keep_last" => DedupePolicy.KeepLast,
                    "keep_first" => DedupePolicy.KeepFirst,
                    "reject" => DedupePolicy.Reject,
                    "none" => DedupePolicy.None,
                    _ => throw Error(dd, "dedupe", $"'{dd.Value}' is not one of keep_last, keep_first, reject, none"),
                };
            }
            if (pk.Count == 0) dedupe = DedupePolicy.None;

            var mode = LoadMode.Append;
            if (root.Children.TryGetValue(new YamlScalarNode("load"), out var loadNode))
            {
                if (loadNode is not YamlMappingNode lm) throw Error(loadNode, "load", "must be a mapping with 'mode'");
                CheckKeys(lm, ["mode"], "load");
                if (OptionalScalar(lm, "mode") is { } m)
                {
                    mode = m.Value switch
                    {
                        "append" => LoadMode.Append,
                        "upsert" => LoadMode.Upsert,
                        "replace" => LoadMode.Replace,
                        _ => throw Error(m, "load.mode", $"'{m.Value}' is not one of append, upsert, replace"),
                    };
                    if (mode == LoadMode.Upsert && pk.Count == 0) throw Error(m, "load.mode", "upsert needs a primary_key");
                }
            }

            var archive = new ArchiveOptions();
            if (root.Children.TryGetValue(new YamlScalarNode("archive"), out var arNode))
            {
                if (arNode is not YamlMappingNode am) throw Error(arNode, "archive", "must be a mapping");
                CheckKeys(am, ["partition_by", "compression", "row_group_rows"], "archive");
                if (OptionalScalar(am, "partition_by") is { } pb && !string.IsNullOrEmpty(pb.Value) && pb.Value != "~")
                {
                    var c = columns.Find(x => x.Name == pb.Value);
                    if (c is null) throw Error(pb, "archive.partition_by", $"unknown column '{pb.Value}'");
                    if (c.Type.Kind is not (TypeKind.Date or TypeKind.Timestamp)) throw Error(pb, "archive.partition_by", $"column '{pb.Value}' must be a date or timestamp, not {c.Type}");
                    archive = archive with { PartitionBy = pb.Value };
                }
                if (OptionalScalar(am, "compression") is { } cz)
                {
                    if (cz.Value is not ("snappy" or "zstd" or "gzip" or "none")) throw Error(cz, "archive.compression", $"'{cz.Value}' is not one of snappy, zstd, gzip, none");
                    archive = archive with { Compression = cz.Value };
                }
                if (OptionalScalar(am, "row_group_rows") is { } rg) archive = archive with { RowGroupRows = Int(rg, "archive.row_group_rows", 1000) };
            }

            return new DatasetContract
            {
                Dataset = dataset.Value!,
                Table = table?.Value ?? dataset.Value!,
                Delimiter = delimiter,
                Encoding = encoding,
                NullValues = nullValues,
                UnknownColumns = unknown,
                MaxFieldLength = maxField,
                Columns = columns,
                Filters = filters,
                PrimaryKey = pk,
                Dedupe = dedupe,
                LoadMode = mode,
                SchemaEvolution = SchemaEvolutionYaml.Read(root, origin),
                Archive = archive,
                SourcePath = origin,
            };
        }

        private ColumnSpec ReadColumn(YamlNode node, IReadOnlyList<string> contractNulls)
        {
            if (node is not YamlMappingNode m) throw Error(node, "columns", "each column must be a mapping with 'name' and 'type'");
            CheckKeys(m, ColumnKeys, "column");
            var name = RequiredScalar(m, "name");
            if (!Identifiers.IsSafe(name.Value!))
            {
                throw Error(name, "name", $"'{name.Value}' is not a safe identifier ([a-z_][a-z0-9_]*, at most 64 characters); put the header text in 'source'");
            }
            var typeNode = RequiredScalar(m, "type");
            if (!ColumnType.TryParse(typeNode.Value!, out var type, out var typeError)) throw Error(typeNode, $"{name.Value}.type", typeError!);
            var source = OptionalScalar(m, "source")?.Value ?? name.Value!;
            var nullable = true;
            if (OptionalScalar(m, "nullable") is { } n) nullable = Bool(n, $"{name.Value}.nullable");
            var formats = OptionalList(m, "formats") ?? [];
            if (formats.Count > 0 && type.Kind is not (TypeKind.Date or TypeKind.Timestamp))
            {
                throw Error(m, $"{name.Value}.formats", $"formats apply to date and timestamp columns, not {type}");
            }
            foreach (var f in formats)
            {
                if (!DateTimeFormat.TryCompile(f, out _, out var fe)) throw Error(m, $"{name.Value}.formats", fe!);
            }
            char? thousands = null;
            if (OptionalScalar(m, "thousands_separator") is { } ts)
            {
                if (ts.Value!.Length != 1) throw Error(ts, $"{name.Value}.thousands_separator", "must be one character");
                thousands = ts.Value[0];
            }
            var spec = new ColumnSpec
            {
                Name = name.Value!,
                Source = source,
                Type = type,
                Nullable = nullable,
                NullValues = OptionalList(m, "null_values"),
                Formats = formats,
                ThousandsSeparator = thousands,
                Transforms = ReadTransforms(m, name.Value!),
                Check = m.Children.TryGetValue(new YamlScalarNode("checks"), out var ch) ? ReadCondition(ch, $"{name.Value}.checks", type) : null,
                Line = (int)node.Start.Line,
            };
            if (OptionalList(m, "true_values") is { } tv) spec = spec with { TrueValues = tv };
            if (OptionalList(m, "false_values") is { } fv) spec = spec with { FalseValues = fv };
            _ = contractNulls;
            return spec;
        }

        private List<Transform> ReadTransforms(YamlMappingNode m, string column)
        {
            var result = new List<Transform>();
            if (!m.Children.TryGetValue(new YamlScalarNode("transforms"), out var node)) return result;
            if (node is not YamlSequenceNode seq) throw Error(node, $"{column}.transforms", "must be a list");
            foreach (var t in seq.Children)
            {
                var field = $"{column}.transforms";
                if (t is YamlScalarNode s)
                {
                    result.Add(s.Value switch
                    {
                        "trim" => new Transform(TransformKind.Trim),
                        "lower" => new Transform(TransformKind.Lower),
                        "upper" => new Transform(TransformKind.Upper),
                        "collapse_spaces" => new Transform(TransformKind.CollapseSpaces),
                        _ => throw Error(s, field, $"unknown transform '{s.Value}' (trim, lower, upper, collapse_spaces, replace, regex_replace, default)"),
                    });
                }
                else if (t is YamlMappingNode tm && tm.Children.Count == 1)
                {
                    var (k, v) = tm.Children.First();
                    var key = ((YamlScalarNode)k).Value;
                    switch (key)
                    {
                        case "default":
                            result.Add(new Transform(TransformKind.Default, To: Scalar(v, field + ".default")));
                            break;
                        case "replace" or "regex_replace":
                            if (v is not YamlMappingNode rm) throw Error(v, field, $"{key} needs 'from' and 'to'");
                            CheckKeys(rm, ["from", "to"], key);
                            var from = RequiredScalar(rm, "from").Value!;
                            var to = OptionalScalar(rm, "to")?.Value ?? "";
                            if (key == "regex_replace" && ContractRegex.Problem(from, fullMatch: false) is { } bad) throw Error(v, field, bad);
                            result.Add(new Transform(key == "replace" ? TransformKind.Replace : TransformKind.RegexReplace, from, to));
                            break;
                        default:
                            throw Error(tm, field, $"unknown transform '{key}'");
                    }
                }
                else
                {
                    throw Error(t, field, "a transform is a name (trim) or a one-key mapping (replace: {from, to})");
                }
            }
            return result;
        }

        private RowFilter ReadFilter(YamlNode node, List<ColumnSpec> columns)
        {
            if (node is not YamlMappingNode m) throw Error(node, "filters", "each filter is a mapping: {column, keep: {...}} or {column, drop: {...}}");
            CheckKeys(m, ["column", "keep", "drop"], "filter");
            var col = RequiredScalar(m, "column");
            var spec = columns.Find(c => c.Name == col.Value) ?? throw Error(col, "filters.column", $"unknown column '{col.Value}'");
            var hasKeep = m.Children.TryGetValue(new YamlScalarNode("keep"), out var keep);
            var hasDrop = m.Children.TryGetValue(new YamlScalarNode("drop"), out var drop);
            if (hasKeep == hasDrop) throw Error(m, "filters", "a filter has exactly one of 'keep' or 'drop'");
            var cond = ReadCondition(hasKeep ? keep! : drop!, $"filters.{col.Value}", spec.Type);
            return new RowFilter(col.Value!, hasKeep, cond, (int)node.Start.Line);
        }

        private Condition ReadCondition(YamlNode node, string field, ColumnType type)
        {
            if (node is not YamlMappingNode m) throw Error(node, field, $"must be a mapping of {string.Join(", ", ConditionKeys)}");
            CheckKeys(m, ConditionKeys, field);
            var c = new Condition
            {
                EqualsValue = OptionalScalar(m, "equals")?.Value,
                NotEqualsValue = OptionalScalar(m, "not_equals")?.Value,
                In = OptionalList(m, "in"),
                NotIn = OptionalList(m, "not_in"),
                Min = OptionalScalar(m, "min")?.Value,
                Max = OptionalScalar(m, "max")?.Value,
                MinLength = OptionalScalar(m, "min_length") is { } a ? Int(a, field + ".min_length", 0) : null,
                MaxLength = OptionalScalar(m, "max_length") is { } b ? Int(b, field + ".max_length", 0) : null,
                Pattern = OptionalScalar(m, "pattern")?.Value,
                IsNull = OptionalScalar(m, "is_null") is { } isn ? Bool(isn, field + ".is_null") : null,
            };
            if (c.Pattern is not null && ContractRegex.Problem(c.Pattern, fullMatch: true) is { } badPattern) throw Error(m, field + ".pattern", badPattern);
            if ((c.Min is not null || c.Max is not null) && type.Kind is TypeKind.String or TypeKind.Bool)
            {
                throw Error(m, field, $"min/max apply to numbers, dates and timestamps, not {type}");
            }
            if ((c.MinLength is not null || c.MaxLength is not null || c.Pattern is not null) && type.Kind != TypeKind.String)
            {
                throw Error(m, field, $"min_length/max_length/pattern apply to string columns, not {type}");
            }
            // Every literal must parse with the column's type, or the rule could never match.
            foreach (var lit in new[] { c.EqualsValue, c.NotEqualsValue, c.Min, c.Max }.Concat(c.In ?? []).Concat(c.NotIn ?? []))
            {
                if (lit is not null && !type.CanParseLiteral(lit))
                {
                    throw Error(m, field, $"'{lit}' is not a valid {type}");
                }
            }
            return c;
        }

        private void CheckKeys(YamlMappingNode m, string[] allowed, string what)
        {
            foreach (var key in m.Children.Keys)
            {
                var k = (key as YamlScalarNode)?.Value;
                if (k is not null && k.EndsWith(')') && k.Length <= 4)
                {
                    throw Error(key, what, $"unknown key '{k}': in a {{flow: mapping}} quote decimal types, e.g. type: \"decimal(12,2)\"");
                }
                if (k is null || Array.IndexOf(allowed, k) < 0)
                {
                    throw Error(key, what, $"unknown key '{k}' (allowed: {string.Join(", ", allowed)})");
                }
            }
        }

        private YamlScalarNode RequiredScalar(YamlMappingNode m, string key) =>
            OptionalScalar(m, key) is { Value: { Length: > 0 } } s ? s : throw Error(m, key, "is required");

        private YamlScalarNode? OptionalScalar(YamlMappingNode m, string key)
        {
            if (!m.Children.TryGetValue(new YamlScalarNode(key), out var v)) return null;
            if (v is YamlScalarNode s)
            {
                return s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value is "~" or "null" or "" ? null : s;
            }
            throw Error(v, key, "must be a single value");
        }

        private string Scalar(YamlNode n, string field) => n is YamlScalarNode s ? s.Value ?? "" : throw Error(n, field, "must be a single value");

        private List<string>? OptionalList(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ScalarList(v, key) : null;

        private List<string> ScalarList(YamlNode v, string key)
        {
            if (v is not YamlSequenceNode seq) throw Error(v, key, "must be a list");
            return seq.Children.Select(x => x is YamlScalarNode s ? s.Value ?? "" : throw Error(x, key, "items must be single values")).ToList();
        }

        private int Int(YamlScalarNode n, string field, int min) =>
            int.TryParse(n.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= min
                ? i : throw Error(n, field, $"must be a whole number >= {min}, got '{n.Value}'");

        private bool Bool(YamlScalarNode n, string field) => n.Value switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => throw Error(n, field, $"must be true or false, got '{n.Value}'"),
        };

        private EtlException Error(YamlNode node, string field, string message) => Fail(origin, (int)node.Start.Line, field, message);
    }
}
