using System.Text.Json;
using EtlFunction.Cli;

namespace EtlFunction.Tests.Unit.Cli;

/// <summary>Runs the CLI in-process against a temporary store, with the repository's contracts.</summary>
internal sealed class CliHarness : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "etl-cli-" + Guid.NewGuid().ToString("N"));
    public string Store => Path.Combine(Root, "store");
    public string Db => Path.Combine(Store, "etl.db");

    public CliHarness() => Directory.CreateDirectory(Root);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public async Task<Result> Run(string stdin, params string[] args)
    {
        // The harness's store, and the checkout's contracts unless the test names its own folder.
        var all = args[0] is "generate" ? args
            : args.Concat(args.Contains("--contracts") ? ["--store", Store] : ["--store", Store, "--contracts", RepoPaths.Contracts]).ToArray();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(all, new StringReader(stdin), stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A path from the --json summary (relative to the current folder, or absolute).</summary>
    public static string Full(JsonElement e) => Path.GetFullPath(e.GetString()!);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
