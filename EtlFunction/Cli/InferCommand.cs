using EtlFunction.Contracts;
using EtlFunction.Contracts.Inference;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary><c>infer FILE</c>: reads the whole file once and prints (or writes) a starter contract with a note per column.</summary>
public static class InferCommand
{
    public const string Usage = "infer FILE [--dataset NAME] [--out FILE]";

    public static async Task<int> RunAsync(Args args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var dataset = args.Option("dataset");
        var output = args.Option("out");
        args.EnsureAllUsed();
        if (args.Positionals.Count != 1) throw new UsageException("usage: EtlFunction " + Usage);
        var file = args.Positionals[0];
        if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
        dataset ??= RunIds.DatasetOf(RunIds.StemOf(file));
        InferenceResult result;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            result = await Task.Run(() => ContractInferrer.Infer(stream, dataset), ct).ConfigureAwait(false);
        }
        var yaml = ContractWriter.ToYaml(result.Contract, comments: true, result.Notes);
        if (result.Contract.Columns.Count > Database.TargetLimits.MaxColumns)
        {
            await stderr.WriteLineAsync($"warning: {result.Contract.Columns.Count} columns; no database target holds more than {Database.TargetLimits.MaxColumns}: a run with this contract fails with ContractViolation").ConfigureAwait(false);
        }
        if (output is null)
        {
            await stdout.WriteAsync(yaml).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(output, yaml, ct).ConfigureAwait(false);
            await stderr.WriteLineAsync($"wrote {output}: {result.Contract.Columns.Count} columns from {result.RowsScanned:N0} rows; review it, then save it as contracts/{dataset}.yaml").ConfigureAwait(false);
        }
        return 0;
    }
}
