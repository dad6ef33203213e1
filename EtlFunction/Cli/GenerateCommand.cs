using System.Diagnostics;
using EtlFunction.Generator;

namespace EtlFunction.Cli;

/// <summary><c>generate orders|titanic --rows N [--seed S] --out FILE</c>: deterministic test files with realistic dirt.</summary>
public static class GenerateCommand
{
    public static readonly string Usage = $"generate {string.Join('|', DataGenerators.Names)} --rows N [--seed S] --out FILE";

    public static Task<int> RunAsync(Args args, TextWriter stderr, CancellationToken ct)
    {
        if (args.Positionals.Count != 1 || !DataGenerators.Names.Contains(args.Positionals[0]))
        {
            throw new UsageException($"usage: EtlFunction {Usage} (kinds: {string.Join(", ", DataGenerators.Names)})");
        }
        var rows = args.Long("rows", 1_000_000);
        var seed = (ulong)args.Long("seed", 42);
        var output = args.Option("out") ?? throw new UsageException("generate needs --out FILE");
        args.EnsureAllUsed();
        ct.ThrowIfCancellationRequested();
        var sw = Stopwatch.StartNew();
        var bytes = DataGenerators.Create(args.Positionals[0], rows, seed).WriteFile(output);
        stderr.WriteLine($"wrote {rows:N0} {args.Positionals[0]} rows ({bytes / 1e6:F1} MB) to {output} in {sw.Elapsed.TotalSeconds:F2}s");
        return Task.FromResult(0);
    }
}
