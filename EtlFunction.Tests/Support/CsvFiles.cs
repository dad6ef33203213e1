using nietras.SeparatedValues;

namespace EtlFunction.Tests.Support;

/// <summary>
/// Helpers that unit and integration tests share (this folder needs no services and tests nothing itself):
/// CSV outputs read back with a real parser (Sep), independent of the writer under test.
/// </summary>
internal static class CsvFiles
{
    /// <summary>Data records of a CSV file with a header (quoted newlines are inside one record, not two).</summary>
    public static long CountRecords(string path)
    {
        using var r = Sep.Reader(o => o with { HasHeader = true, DisableColCountCheck = true }).FromFile(path);
        long n = 0;
        foreach (var _ in r) n++;
        return n;
    }
}
