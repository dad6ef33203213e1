using System.Globalization;
using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Configuration;

/// <summary>
/// The plan step's defaults from the function's environment: <c>ETL_PIECE_MB</c> and <c>ETL_SPLIT_THRESHOLD_MB</c>
/// (MiB, from the template's parameters; <c>ETL_PIECE_BYTES</c> / <c>ETL_SPLIT_THRESHOLD_BYTES</c> win when set,
/// for small test files) and <c>ETL_MAP_MAX_CONCURRENCY</c>; each unset one keeps the built-in default. A value
/// that is not a whole number is a deployment mistake: <see cref="ErrorType.InternalError"/>, naming the variable.
/// </summary>
public static class SplitEnvironment
{
    public static SplitSettings Read(Func<string, string?> env)
    {
        var d = SplitSettings.Default;
        var chunk = Bytes(env, "ETL_PIECE") ?? d.ChunkSize;
        var threshold = Bytes(env, "ETL_SPLIT_THRESHOLD") ?? d.SplitThreshold;
        var concurrency = Number(env, "ETL_MAP_MAX_CONCURRENCY") ?? d.MaxConcurrency;
        return new SplitSettings(
            chunk >= 1 ? chunk : throw Bad("ETL_PIECE_BYTES / ETL_PIECE_MB", chunk, 1),
            threshold,
            concurrency >= 1 ? (int)Math.Min(concurrency, 10_000) : throw Bad("ETL_MAP_MAX_CONCURRENCY", concurrency, 1));
    }

    /// <summary><c>NAME_BYTES</c>, else <c>NAME_MB</c> in bytes, else null.</summary>
    private static long? Bytes(Func<string, string?> env, string name)
    {
        if (Number(env, name + "_BYTES") is { } b) return b;
        if (Number(env, name + "_MB") is not { } mb) return null;
        return mb <= long.MaxValue >> 20 ? mb << 20 : throw Bad(name + "_MB", mb, 0);
    }

    private static long? Number(Func<string, string?> env, string name)
    {
        var text = env(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new EtlException(ErrorType.InternalError, $"configuration: {name} ('{text}') is not a whole number");
    }

    private static EtlException Bad(string name, long value, long min) =>
        new(ErrorType.InternalError, $"configuration: {name} ({value}) must be a whole number >= {min}{(min == 0 ? " and fit in bytes" : "")}");
}
