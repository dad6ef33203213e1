using System.Globalization;
using System.Text;
using CsCheck;
using EtlFunction.Errors;

namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>
/// Shared settings for the property-based (fuzz) tests. CI runs each property a fixed number of
/// iterations from a fixed seed; <c>ETL_FUZZ_ITERATIONS</c> (iterations per property) and
/// <c>ETL_FUZZ_SEED</c> (the first input's seed, printed with every failure) run it longer or replay a failure.
/// </summary>
internal static class Fuzz
{
    /// <summary>The first input's seed (<c>ETL_FUZZ_SEED</c>, default 42); input <c>i</c> is generated from <c>new PCG(1, seed + i)</c>.</summary>
    public static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("ETL_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 42;

    public static long Iterations(long ciDefault) =>
        long.TryParse(Environment.GetEnvironmentVariable("ETL_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : ciDefault;

    /// <summary>
    /// Runs <paramref name="property"/> on <paramref name="gen"/>'s inputs, one fixed seed per input (so a run is
    /// repeatable). On a failure CsCheck shrinks from the failing seed and reports the shrunk input via <paramref name="print"/>.
    /// </summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, long ciIterations, Func<T, string> print)
    {
        var iterations = Iterations(ciIterations);
        var seed = Seed;
        for (long i = 0; i < iterations; i++)
        {
            var pcg = new PCG(1, seed + (ulong)i);
            var replay = pcg.ToString();
            var input = gen.Generate(pcg, null!, out _);
            try
            {
                property(input);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                gen.Sample(property, iter: 5000, seed: replay, threads: 1, print: print);
                throw new AssertionException($"input {i} (ETL_FUZZ_SEED={seed + (ulong)i}) failed: {print(input)}", e);
            }
        }
        TestContext.Out.WriteLine($"fuzz: {iterations} inputs from seed {seed}");
    }

    /// <summary>A failure other than a typed, non-internal <see cref="EtlException"/> fails the property.</summary>
    public static void AssertTyped(EtlException e, params ErrorType[] allowed)
    {
        if (allowed.Length == 0 ? e.Type == ErrorType.InternalError : !allowed.Contains(e.Type))
        {
            throw new AssertionException($"unexpected {e.Type}: {e.Message}");
        }
    }

    /// <summary>Bytes as a C# string literal body (printable ASCII kept, everything else escaped).</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'\n' => sb.Append("\\n"),
                (byte)'\r' => sb.Append("\\r"),
                (byte)'\t' => sb.Append("\\t"),
                (byte)'"' => sb.Append("\\\""),
                (byte)'\\' => sb.Append("\\\\"),
                >= 0x20 and < 0x7F => sb.Append((char)b),
                _ => sb.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}"),
            };
        }
        return sb.ToString();
    }

    public static string Escape(string text) => Escape(Encoding.UTF8.GetBytes(text));

    /// <summary>Counts the records of a CSV (RFC 4180: line ends inside quotes do not end a record).</summary>
    public static int CountRecords(ReadOnlySpan<byte> csv)
    {
        var records = 0;
        var inQuotes = false;
        var any = false;
        foreach (var b in csv)
        {
            if (b == (byte)'"') inQuotes = !inQuotes;
            if (b == (byte)'\n' && !inQuotes)
            {
                records++;
                any = false;
            }
            else any = true;
        }
        return records + (any ? 1 : 0);
    }
}
