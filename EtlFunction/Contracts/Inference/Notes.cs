using System.Globalization;

namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Formatting for the notes written next to inferred columns. Values from the file are quoted,
/// escaped and shortened, so a hostile value cannot break the YAML comment it ends up in.
/// </summary>
internal static class Notes
{
    private const int MaxExample = 40;

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Value(string value, long line) => $"{Quote(value)} (line {Count(line)})";

    public static string Quote(string value)
    {
        if (value.Length > MaxExample)
        {
            var cut = char.IsHighSurrogate(value[MaxExample - 1]) ? MaxExample - 1 : MaxExample;
            return ContractWriter.Quote(value[..cut]) + "...";
        }
        return ContractWriter.Quote(value);
    }

    public static string Plural(long n, string what) => $"{Count(n)} {what}{(n == 1 ? "" : "s")}";
}
