using System.Text.Json;
using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Cli;

/// <summary>
/// The command-line host: dispatches the subcommands and turns failures into exit codes
/// (0 ok, 2 usage, 3–10 by <see cref="ErrorType"/>, see README) and an
/// <c>{"errorType","errorMessage"}</c> object for machine callers.
/// </summary>
public static class CliApp
{
    private static readonly HashSet<string> Flags = ["json", "quiet", "help", "s3", "apply", "run", "force"];

    public static async Task<int> RunAsync(string[] argv, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        if (argv.Length == 0 || argv[0] is "help" or "--help" or "-h")
        {
            await stderr.WriteAsync(Help).ConfigureAwait(false);
            return argv.Length == 0 ? 2 : 0;
        }
        var command = argv[0];
        var machine = argv.Contains("--json") || command == "invoke";
        try
        {
            var args = new Args(argv.Skip(1), Flags);
            return command switch
            {
                "run" => await RunCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "invoke" => await InvokeCommand.RunAsync(args, stdin, stdout, stderr, ct).ConfigureAwait(false),
                "infer" => await InferCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "contract" => await ContractCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "generate" => await GenerateCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "bench" => await BenchCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "replay" => await ReplayCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                "athena-ddl" => await AthenaDdlCommand.RunAsync(args, stdout, stderr, ct).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}\n\n{Help}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = ErrorClassifier.Classify(e);
            await Report(error.Type, error.Message).ConfigureAwait(false);
            if (error.Exception is not EtlException) await stderr.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            return EtlException.ExitCodeFor(error.Type);
        }

        async Task Report(ErrorType type, string message)
        {
            await stderr.WriteLineAsync($"error: {type}: {message}").ConfigureAwait(false);
            if (machine)
            {
                var doc = new Dictionary<string, string> { ["errorType"] = type.ToString(), ["errorMessage"] = message };
                await stdout.WriteLineAsync(JsonSerializer.Serialize(doc, Json.Context.DictionaryStringString)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The help text; each command line is that command's own <c>Usage</c>, so help and parser cannot drift apart.</summary>
    public static readonly string Help = $$"""
        EtlFunction — clean, validate, load and archive CSV files against a dataset contract.

        Commands:
          {{RunCommand.Usage}}
              Run the whole pipeline: by default a folder as the buckets (.etl/) and SQLite as the database;
              --s3 uses S3 (AWS_* environment; buckets also from ETL_*_BUCKET), --mysql (or ETL_MYSQL) MySQL;
              --parallel N cleans a local file on N cores.
          {{InvokeCommand.Usage}}
              Run one step: JSON on stdin, result JSON on stdout.
          {{InferCommand.Usage}}
              Print (or write) a starter contract inferred from the file.
          {{ContractCommand.Usage}}
              validate FILE [--sample CSV]: check a contract (and what it does to a sample file);
              diff OLD NEW: what a new contract does to the table, the Parquet schema and the accepted rows;
              publish FILE [STORE]: put it in the contract store (s3://BUCKET/_contracts/ or a folder; default
              --contract-store or ETL_CONTRACT_STORE), where it wins over the image's contracts from the next run.
          {{GenerateCommand.Usage}}
              Write a test file with realistic dirt.
          {{BenchCommand.Usage}}
              Measure each step on FILE, each in its own process: rows/s, MB/s, peak memory (scripts/bench.sh
              generates the reference orders file first).
          {{ReplayCommand.Usage}}
              Put quarantined sources (_failed/RUNID/) back to their landing keys so the pipeline runs them again:
              dry run by default, --apply to do it, --run to also run the pipeline here; once per quarantine
              unless --force (the ledger keeps loads exactly-once either way).
          {{AthenaDdlCommand.Usage}}
              Print the Athena CREATE EXTERNAL TABLE (partition projection on dt) for a dataset's Parquet archive.

        Exit codes: 0 ok, 2 usage, 3 InvalidInput, 4 ContractViolation, 5 SchemaMismatch, 6 DataLossError,
        7 TransientError, 8 LoadTooLarge, 10 InternalError. With --json (and for invoke) a failure also prints
        {"errorType": ..., "errorMessage": ...} on stdout.

        """;
}
