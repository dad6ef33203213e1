namespace EtlFunction.Generator;

/// <summary>
/// A deterministic test-data generator, so the CLI's <c>generate KIND --rows N --seed S --out FILE</c>
/// can drive any of them the same way.
/// </summary>
public interface IDataGenerator
{
    /// <summary>The dataset name used on the command line (<c>orders</c>, <c>titanic</c>).</summary>
    string Name { get; }
    /// <summary>Data records to write (the header is extra).</summary>
    long Rows { get; }
    ulong Seed { get; }
    /// <summary>Writes the whole CSV to <paramref name="output"/> (left open) and returns the bytes written.</summary>
    long Write(Stream output);

    /// <summary>
    /// The rows the pipeline writes from this file under the dataset's contract, when the generator tracks
    /// its own choices (orders: RULES.md R1–R8, <see cref="OrdersTruth"/>); null when it does not. The
    /// benchmark checks a run against the truth of the generator that made the file, not another one's.
    /// </summary>
    long? ExpectedRowsWritten();
}

/// <summary>Creates generators by dataset name, so the CLI needs no knowledge of each kind.</summary>
public static class DataGenerators
{
    public static IReadOnlyList<string> Names { get; } = ["orders", "titanic"];

    /// <summary>The generator for <paramref name="name"/>; <see cref="ArgumentException"/> for an unknown name.</summary>
    public static IDataGenerator Create(string name, long rows, ulong seed) => name.ToLowerInvariant() switch
    {
        "orders" => new OrdersGenerator(rows, seed),
        "titanic" => new TitanicGenerator(rows, seed),
        _ => throw new ArgumentException($"unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>Writes to <paramref name="path"/> (created or replaced) and returns the bytes written.</summary>
    public static long WriteFile(this IDataGenerator generator, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
        return generator.Write(file);
    }
}
