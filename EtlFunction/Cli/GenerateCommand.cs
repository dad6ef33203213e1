using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Generator;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// <c>generate orders|titanic --rows N [--seed S] --out FILE [--json]</c>: deterministic test files with
/// realistic dirt. With <c>--json</c>, one object on stdout that also carries the generator's own truth
/// (<c>expectedRowsWritten</c>), so a caller checks a run against the generator that made the file.
/// </summary>
public static class GenerateCommand
{
    public static readonly string Usage = $"generate {string.Join('|', DataGenerators.Names)} --rows N [--seed S] --out FILE [--json]";

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Positionals.Count != 1 || !DataGenerators.Names.Contains(args.Positionals[0]))
        {
            throw new UsageException($"usage: EtlFunction {Usage} (kinds: {string.Join(", ", DataGenerators.Names)})");
        }
        var rows = args.Long("rows", 1_000_000);
        var seed = (ulong)args.Long("seed", 42);
        var output = args.Option("out") ?? throw new UsageException("generate needs --out FILE");
        var json = args.Flag("json");
        args.EnsureAllUsed();
        ct.ThrowIfCancellationRequested();
        var sw = Stopwatch.StartNew();
        var generator = DataGenerators.Create(args.Positionals[0], rows, seed);
        var bytes = generator.WriteFile(output);
        await stderr.WriteLineAsync($"wrote {rows:N0} {args.Positionals[0]} rows ({bytes / 1e6:F1} MB) to {output} in {sw.Elapsed.TotalSeconds:F2}s").ConfigureAwait(false);
        if (json)
        {
            var summary = new GenerateSummary(generator.Name, rows, seed, bytes, output, generator.ExpectedRowsWritten());
            await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, Json.Context.GenerateSummary)).ConfigureAwait(false);
        }
        return 0;
    }
}

/// <summary>What <c>generate --json</c> prints: the file written and the generator's own truth about it.</summary>
public sealed record GenerateSummary(string Dataset, long Rows, ulong Seed, long Bytes, string File, long? ExpectedRowsWritten);
