using System.Globalization;
using System.Text;

namespace EtlFunction.Contracts;

/// <summary>
/// Writes a contract back as YAML that <see cref="ContractLoader"/> reads to the same contract.
/// Used by <c>infer</c> (a starter contract to edit), by runs without a contract (the inferred
/// contract is stored next to the outputs), and for the fingerprint (canonical form, no comments).
/// </summary>
public static class ContractWriter
{
    /// <summary>The key of a note about the whole file (written under the title); never a column name.</summary>
    public const string FileNoteKey = "";

    public static string ToYaml(DatasetContract c, bool comments = true, IReadOnlyDictionary<string, string>? columnNotes = null)
    {
        var sb = new StringBuilder();
        if (comments)
        {
            sb.Append("# Dataset contract for '").Append(c.Dataset).Append("'. Format: see README.md, \"Dataset contracts\".\n");
            if (columnNotes is not null && columnNotes.TryGetValue(FileNoteKey, out var fileNote))
            {
                sb.Append("# ").Append(fileNote.ReplaceLineEndings(" ")).Append('\n');
            }
        }
        sb.Append("dataset: ").Append(c.Dataset).Append('\n');
        sb.Append("table: ").Append(c.Table).Append('\n');
        sb.Append("delimiter: ").Append(Quote(c.Delimiter == '\t' ? "\\t" : c.Delimiter.ToString())).Append('\n');
        sb.Append("encoding: ").Append(c.Encoding).Append('\n');
        sb.Append("null_values: ").Append(List(c.NullValues)).Append('\n');
        sb.Append("unknown_columns: ").Append(c.UnknownColumns == UnknownColumnPolicy.Fail ? "fail" : "ignore").Append('\n');
        sb.Append("max_field_length: ").Append(c.MaxFieldLength.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("columns:\n");
        foreach (var col in c.Columns)
        {
            if (comments && columnNotes is not null && columnNotes.TryGetValue(col.Name, out var note))
            {
                sb.Append("  # ").Append(note.ReplaceLineEndings(" ")).Append('\n');
            }
            sb.Append("  - name: ").Append(col.Name).Append('\n');
            sb.Append("    source: ").Append(Quote(col.Source)).Append('\n');
            sb.Append("    type: ").Append(col.Type.ToString()).Append('\n');
            sb.Append("    nullable: ").Append(col.Nullable ? "true" : "false").Append('\n');
            if (col.NullValues is not null) sb.Append("    null_values: ").Append(List(col.NullValues)).Append('\n');
            if (col.Formats.Count > 0) sb.Append("    formats: ").Append(List(col.Formats)).Append('\n');
            if (col.Type.Kind == TypeKind.Bool)
            {
                sb.Append("    true_values: ").Append(List(col.TrueValues)).Append('\n');
                sb.Append("    false_values: ").Append(List(col.FalseValues)).Append('\n');
            }
            if (col.ThousandsSeparator is { } ts) sb.Append("    thousands_separator: ").Append(Quote(ts.ToString())).Append('\n');
            if (col.Transforms.Count > 0)
            {
                sb.Append("    transforms:\n");
                foreach (var t in col.Transforms)
                {
                    sb.Append("      - ").Append(t.Kind switch
                    {
                        TransformKind.Trim => "trim",
                        TransformKind.Lower => "lower",
                        TransformKind.Upper => "upper",
                        TransformKind.CollapseSpaces => "collapse_spaces",
                        TransformKind.Default => "default: " + Quote(t.To ?? ""),
                        TransformKind.Replace => $"replace: {{from: {Quote(t.From!)}, to: {Quote(t.To ?? "")}}}",
                        _ => $"regex_replace: {{from: {Quote(t.From!)}, to: {Quote(t.To ?? "")}}}",
                    }).Append('\n');
                }
            }
            if (col.Check is { IsEmpty: false } check) sb.Append("    checks: ").Append(ConditionYaml(check)).Append('\n');
        }
        if (c.Filters.Count > 0)
        {
            sb.Append("filters:\n");
            foreach (var f in c.Filters)
            {
                sb.Append("  - column: ").Append(f.Column).Append('\n');
                sb.Append(f.Keep ? "    keep: " : "    drop: ").Append(ConditionYaml(f.Condition)).Append('\n');
            }
        }
        if (c.PrimaryKey.Count > 0)
        {
            sb.Append("primary_key: [").Append(string.Join(", ", c.PrimaryKey)).Append("]\n");
            sb.Append("dedupe: ").Append(c.Dedupe switch
            {
                DedupePolicy.KeepLast => "keep_last",
                DedupePolicy.KeepFirst => "keep_first",
                DedupePolicy.Reject => "reject",
                _ => "none",
            }).Append('\n');
        }
        sb.Append("load:\n  mode: ").Append(c.LoadMode.ToString().ToLowerInvariant()).Append('\n');
        SchemaEvolutionYaml.Write(sb, c.SchemaEvolution);
        sb.Append("archive:\n");
        sb.Append("  partition_by: ").Append(c.Archive.PartitionBy ?? "null").Append('\n');
        sb.Append("  compression: ").Append(c.Archive.Compression).Append('\n');
        sb.Append("  row_group_rows: ").Append(c.Archive.RowGroupRows.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private static string ConditionYaml(Condition c)
    {
        var parts = new List<string>();
        if (c.EqualsValue is not null) parts.Add("equals: " + Quote(c.EqualsValue));
        if (c.NotEqualsValue is not null) parts.Add("not_equals: " + Quote(c.NotEqualsValue));
        if (c.In is not null) parts.Add("in: " + List(c.In));
        if (c.NotIn is not null) parts.Add("not_in: " + List(c.NotIn));
        if (c.Min is not null) parts.Add("min: " + Quote(c.Min));
        if (c.Max is not null) parts.Add("max: " + Quote(c.Max));
        if (c.MinLength is { } a) parts.Add("min_length: " + a.ToString(CultureInfo.InvariantCulture));
        if (c.MaxLength is { } b) parts.Add("max_length: " + b.ToString(CultureInfo.InvariantCulture));
        if (c.Pattern is not null) parts.Add("pattern: " + Quote(c.Pattern));
        if (c.IsNull is { } n) parts.Add("is_null: " + (n ? "true" : "false"));
        return "{" + string.Join(", ", parts) + "}";
    }

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    /// <summary>A YAML double-quoted scalar: safe for any text (quotes, backslashes, control characters, unicode).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    // YAML reads U+2028/U+2029 as line breaks and forbids U+FFFE/U+FFFF: escape them like control characters.
                    if (char.IsControl(ch) || ch is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF')
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
