using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Encodings;
using EtlFunction.Errors;
using EtlFunction.Values;
using nietras.SeparatedValues;

namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Writes a starter contract for a CSV file nobody described yet (<c>infer FILE</c>, and runs
/// without a contract). It streams every row once, keeping only counters and a few sample values
/// per column, and picks for each column the narrowest type that the strict parsers of
/// <see cref="ValueParser"/> accept for EVERY non-null value: a run with the inferred
/// contract rejects no row of this file and changes no value (<c>00501</c> stays text). Each
/// decision comes with a note citing the evidence, for the person who edits the contract.
/// </summary>
public static class ContractInferrer
{
    private const int PrefixChars = 1 << 16;     // read for delimiter detection, then replayed
    private const int MaxHeaderChars = 1 << 24;  // a header line longer than this is not a CSV header
    private const int SampleRecords = 20;

    /// <summary>Compression and data extensions dropped from a file name to name its dataset.</summary>
    private static readonly string[] DataExtensions = [".gz", ".gzip", ".zst", ".bz2", ".csv", ".tsv", ".psv", ".txt", ".dat"];

    /// <summary>
    /// Infers a contract from a raw object stream, decoded exactly as a run decodes it
    /// (<see cref="InputDecoder"/>: gzip inflated, binary refused, BOM skipped), in the encoding
    /// <see cref="EncodingDetector"/> finds in its first 1 MiB; the contract names that encoding and the
    /// file's note says why. The stream is read to the end and disposed.
    /// </summary>
    public static InferenceResult Infer(Stream stream, string dataset, InferenceOptions? options = null)
    {
        using var input = new InputDecoder(stream, encoding: null);
        var result = Infer(input.Reader, dataset, options);
        var detection = input.Detection!;
        var note = detection.Reason;
        if (input.InvalidSequences > 0)
        {
            // Only the head was checked: the full scan met bytes the chosen encoding cannot decode.
            note += $"; {Notes.Plural(input.InvalidSequences, "byte sequence")} further on {(input.InvalidSequences == 1 ? "is" : "are")} not valid {detection.Encoding}: a run rejects their rows";
        }
        var notes = new Dictionary<string, string>(result.Notes, StringComparer.Ordinal);
        notes[ContractWriter.FileNoteKey] = notes.TryGetValue(ContractWriter.FileNoteKey, out var file)
            ? $"{file}; encoding {detection.Encoding}: {note}"
            : $"encoding {detection.Encoding}: {note}";
        return result with { Contract = result.Contract with { Encoding = detection.Encoding }, Notes = notes, EncodingNote = note };
    }

    /// <summary>Infers a contract from a file (see the stream overload); the dataset defaults to <see cref="DatasetName"/>.</summary>
    public static InferenceResult InferFile(string path, string? dataset = null, InferenceOptions? options = null)
    {
        using var stream = File.OpenRead(path);
        return Infer(stream, dataset ?? DatasetName(path), options);
    }

    /// <summary>
    /// Infers a contract from CSV text: the first record is the header. A leading U+FEFF (a BOM
    /// the reader did not strip) is ignored. Throws <see cref="EtlException"/> (InvalidInput) for
    /// an input without a header.
    /// </summary>
    public static InferenceResult Infer(TextReader reader, string dataset, InferenceOptions? options = null)
    {
        options ??= new InferenceOptions();
        dataset = SafeDataset(dataset);
        var (prefix, records) = ReadPrefix(reader);
        if (records.Count == 0) throw new EtlException(ErrorType.InvalidInput, "the file is empty: no header line to infer a contract from");
        var delimiter = options.Delimiter ?? DelimiterDetector.Detect(records[0], records.Skip(1).ToList());

        using var csv = Sep.Reader(o => o with { Sep = new Sep(delimiter), HasHeader = false, DisableColCountCheck = true, Unescape = true })
            .From(new PrefixedReader(prefix, reader));
        if (!csv.MoveNext()) throw new EtlException(ErrorType.InvalidInput, "the file is empty: no header line to infer a contract from");
        var headers = new string[csv.Current.ColCount];
        for (var i = 0; i < headers.Length; i++) headers[i] = csv.Current[i].ToString();
        if (headers is [""]) throw new EtlException(ErrorType.InvalidInput, "the file has no header: its first line is blank");
        var (names, headerNotes) = HeaderNaming.Name(headers);
        var keyColumns = KeyCandidates(names, dataset);
        var profiles = new ColumnProfile[headers.Length];
        for (var i = 0; i < profiles.Length; i++)
        {
            profiles[i] = new ColumnProfile(keyColumns.Contains(i) ? new UniqueKeys(options.MaxTrackedKeys) : null);
        }

        var nulls = new NullTokens(options.NullValues);
        long rows = 0, skipped = 0, blank = 0;
        var firstSkipped = (Fields: 0, Line: 0L);
        foreach (var row in csv)
        {
            if (row.ColCount == 1 && row.Span.IsEmpty)
            {
                blank++; // an empty line is not a record (the cleaner skips it too)
                continue;
            }
            rows++;
            if (row.ColCount != profiles.Length)
            {
                skipped++;
                if (skipped == 1) firstSkipped = (row.ColCount, row.LineNumberFrom);
                continue;
            }
            for (var i = 0; i < profiles.Length; i++)
            {
                var v = row[i].Span;
                if (nulls.IsNull(v)) profiles[i].ObserveNull();
                else profiles[i].Observe(v, row.LineNumberFrom);
            }
        }
        var scan = new ScanSummary(dataset, delimiter, headers.Length, rows, skipped, firstSkipped.Fields, firstSkipped.Line, blank);
        return ContractAssembler.Assemble(scan, headers, names, profiles, headerNotes, keyColumns, options);
    }

    /// <summary>
    /// The delimiter (one of <c>, ; \t |</c>) that splits <paramref name="headerLine"/> into the most
    /// fields, ties going to that order; <c>,</c> when none splits it.
    /// </summary>
    public static char InferDelimiter(string headerLine) => DelimiterDetector.Detect(headerLine, []);

    /// <summary>A dataset name from a file path: the file name without data/compression extensions, as a safe identifier.</summary>
    public static string DatasetName(string path)
    {
        var name = Path.GetFileName(path);
        var stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (var ext in DataExtensions)
            {
                if (name.Length > ext.Length && name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                {
                    name = name[..^ext.Length];
                    stripped = true;
                }
            }
        }
        return SafeDataset(name);
    }

    private static string SafeDataset(string dataset)
    {
        if (Identifiers.IsSafe(dataset)) return dataset;
        var safe = Identifiers.ToSafe(dataset, 1, new HashSet<string>());
        return safe == "column_1" ? "dataset" : safe;
    }

    /// <summary>Columns whose name marks them as the table's key: <c>id</c>, <c>&lt;table&gt;_id</c>, <c>&lt;table without s&gt;_id</c>.</summary>
    private static List<int> KeyCandidates(string[] names, string dataset)
    {
        string[] keyNames = ["id", dataset + "_id", dataset.TrimEnd('s') + "_id"];
        var result = new List<int>();
        foreach (var key in keyNames.Distinct())
        {
            var i = Array.IndexOf(names, key);
            if (i >= 0) result.Add(i);
        }
        return result;
    }

    /// <summary>Reads the first records (at least the whole header) for delimiter detection.</summary>
    private static (string Prefix, List<string> Records) ReadPrefix(TextReader reader)
    {
        var sb = new StringBuilder();
        var buffer = new char[PrefixChars];
        var atEnd = false;
        List<string> records = [];
        while (!atEnd && sb.Length < MaxHeaderChars)
        {
            var n = reader.ReadBlock(buffer, 0, buffer.Length);
            atEnd = n < buffer.Length;
            var bom = sb.Length == 0 && n > 0 && buffer[0] == '\uFEFF' ? 1 : 0;
            sb.Append(buffer, bom, n - bom);
            records = DelimiterDetector.SplitRecords(sb.ToString(), atEnd, SampleRecords + 1);
            if (records.Count > 0) break;
        }
        if (records.Count == 0 && !atEnd)
        {
            throw new EtlException(ErrorType.InvalidInput, $"no line break in the first {Notes.Count(MaxHeaderChars)} characters: not a CSV file");
        }
        return (sb.ToString(), records);
    }
}
