namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Builds the starter contract from the scan: one column per header field with its chosen type,
/// nullability and formats; a primary key only when a key-named column proved unique and never
/// NULL (then upsert with keep_last, else append without dedupe); and the notes.
/// </summary>
internal static class ContractAssembler
{
    public static InferenceResult Assemble(
        ScanSummary scan, string[] headers, string[] names, ColumnProfile[] profiles,
        Dictionary<int, string> headerNotes, List<int> keyColumns, InferenceOptions options)
    {
        var typed = profiles.Select(p => ColumnTyper.Decide(p, options.MaxDateFormats)).ToArray();
        var (key, keyNotes) = ChooseKey(names, profiles, typed, keyColumns, options);
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        var columns = new List<ColumnSpec>(headers.Length);
        for (var i = 0; i < headers.Length; i++)
        {
            var p = profiles[i];
            var spec = new ColumnSpec
            {
                Name = names[i],
                Source = headers[i],
                Type = typed[i].Type,
                // Not-null only when every scanned row had a value: an empty file proves nothing.
                Nullable = p.Nulls > 0 || p.NonNull == 0,
                Formats = typed[i].Formats,
            };
            if (spec.Type.Kind == TypeKind.Bool) spec = spec with { TrueValues = ColumnTyper.TrueValues, FalseValues = ColumnTyper.FalseValues };
            columns.Add(spec);
            var note = typed[i].Note;
            if (keyNotes.TryGetValue(i, out var kn)) note += "; " + kn;
            if (headerNotes.TryGetValue(i, out var hn)) note += "; " + hn;
            notes[names[i]] = "inferred " + note;
        }
        var contract = new DatasetContract
        {
            Dataset = scan.Dataset,
            Table = scan.Dataset,
            Delimiter = scan.Delimiter,
            NullValues = [.. options.NullValues],
            Columns = columns,
            PrimaryKey = key is { } k ? [names[k]] : [],
            Dedupe = key is null ? DedupePolicy.None : DedupePolicy.KeepLast,
            LoadMode = key is null ? LoadMode.Append : LoadMode.Upsert,
        };
        // A run measures max_field_length on the raw field, quotes and doubled quotes included.
        var longestRaw = 2L * profiles.Select(p => p.MaxLength).DefaultIfEmpty(0).Max() + 2;
        if (longestRaw > contract.MaxFieldLength) contract = contract with { MaxFieldLength = (int)Math.Min(int.MaxValue, longestRaw) };
        var keySummary = key is not null ? null
            : keyColumns.Count == 0 ? $"no primary key: no column is named id or {scan.Dataset}_id (load mode append)"
            : "no primary key: no key-named column is unique and never NULL (load mode append)";
        notes[ContractWriter.FileNoteKey] = FileNote(scan, options, keySummary);
        return new InferenceResult(contract, notes, scan.Rows, scan.Skipped);
    }

    private static (int? Key, Dictionary<int, string> Notes) ChooseKey(
        string[] names, ColumnProfile[] profiles, TypedColumn[] typed, List<int> keyColumns, InferenceOptions options)
    {
        int? key = null;
        var notes = new Dictionary<int, string>();
        foreach (var i in keyColumns)
        {
            var p = profiles[i];
            var tracker = p.Keys!;
            string? problem =
                p.NonNull == 0 ? "no values"
                : p.Nulls > 0 ? $"{Notes.Plural(p.Nulls, "null")}"
                : typed[i].Type.Kind is not (TypeKind.Int32 or TypeKind.Int64 or TypeKind.String) ? $"typed {typed[i].Type}"
                : tracker.FirstDuplicate is { } dup ? $"duplicate values (first repeat {dup})"
                : tracker.GaveUp ? $"more than {Notes.Count(options.MaxTrackedKeys)} values, uniqueness not checked (raise MaxTrackedKeys)"
                : key is not null ? $"{names[key.Value]} was chosen first"
                : null;
            if (problem is null)
            {
                key = i;
                notes[i] = $"unique and never NULL in all {Notes.Plural(p.NonNull, "row")}: primary key (load mode upsert, dedupe keep_last)";
            }
            else
            {
                notes[i] = $"named like a key but {problem}: not a primary key";
            }
        }
        return (key, notes);
    }

    private static string FileNote(ScanSummary scan, InferenceOptions options, string? keySummary)
    {
        var parts = new List<string>
        {
            $"inferred from {Notes.Plural(scan.Rows, "data row")} x {Notes.Plural(scan.Columns, "column")}",
            $"delimiter {Notes.Quote(scan.Delimiter.ToString())} {(options.Delimiter is null ? "detected from the header and the next lines" : "as given")}",
        };
        if (scan.BlankLines > 0) parts.Add($"{Notes.Plural(scan.BlankLines, "blank line")} skipped");
        if (scan.Skipped > 0)
        {
            parts.Add($"{Notes.Plural(scan.Skipped, "row")} with a field count other than the header's {scan.Columns} ignored for inference "
                + $"(first: {scan.FirstSkippedFields} fields at line {Notes.Count(scan.FirstSkippedLine)}); a run rejects them");
        }
        if (keySummary is not null) parts.Add(keySummary);
        return string.Join("; ", parts);
    }
}
