namespace EtlFunction.Contracts.Inference;

/// <summary>
/// A starter contract and why it looks the way it does. <see cref="Notes"/> is keyed by column
/// name (plus <see cref="ContractWriter.FileNoteKey"/> for notes about the whole file) and is meant
/// for <see cref="ContractWriter.ToYaml"/>, so a person editing the contract sees the evidence
/// (counts, first offending value and line) next to each decision.
/// </summary>
/// <param name="Contract">The inferred contract; it loads back unchanged through YAML.</param>
/// <param name="Notes">One human-readable note per column, plus one for the file.</param>
/// <param name="RowsScanned">Data rows read (the header excluded), including skipped rows.</param>
/// <param name="RowsSkipped">Rows ignored because their field count differs from the header's.</param>
/// <param name="EncodingNote">Why the contract names its encoding (also in the file's note); null when inferred from text, not bytes.</param>
public sealed record InferenceResult(
    DatasetContract Contract,
    IReadOnlyDictionary<string, string> Notes,
    long RowsScanned,
    long RowsSkipped = 0,
    string? EncodingNote = null);
