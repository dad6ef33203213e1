namespace EtlFunction.Contracts.Inference;

/// <summary>What the scan of the whole file found, apart from the per-column profiles.</summary>
/// <param name="Dataset">The dataset (and table) name, a safe identifier.</param>
/// <param name="Delimiter">The delimiter the file was read with.</param>
/// <param name="Columns">Fields in the header.</param>
/// <param name="Rows">Data rows read, skipped ones included.</param>
/// <param name="Skipped">Rows whose field count differs from the header's.</param>
/// <param name="FirstSkippedFields">Field count of the first such row (0 if none).</param>
/// <param name="FirstSkippedLine">The line that row starts on.</param>
/// <param name="BlankLines">Empty lines: not records, not counted in <paramref name="Rows"/>.</param>
internal sealed record ScanSummary(
    string Dataset, char Delimiter, int Columns, long Rows, long Skipped, int FirstSkippedFields, long FirstSkippedLine, long BlankLines);
