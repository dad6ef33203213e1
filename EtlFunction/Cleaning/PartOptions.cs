namespace EtlFunction.Cleaning;

/// <summary>
/// How a <see cref="CsvCleaner"/> runs one piece of a split file: line numbers shifted to the
/// source file's, its own worker count (the pieces already use the cores), no binary sniff (the
/// split run sniffs the file's start once, as the whole-file path does), and — instead of
/// deduplicating — every written row's key logged for the merge, which alone sees all pieces.
/// </summary>
internal sealed record PartOptions(long LineOffset, int Workers, bool SniffBinary, KeyLog? Keys);
