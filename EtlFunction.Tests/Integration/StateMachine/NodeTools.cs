using System.Diagnostics;
using EtlFunction.Tests.Unit;

namespace EtlFunction.Tests.Integration.StateMachine;

/// <summary>What a child process returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// The pinned npm tools in <c>scripts/state-machine/</c> (aws-local-stepfunctions, asl-validator, @vercel/fun,
/// js-yaml, @aws-cdk/cfnspec), installed once per test run by <c>scripts/state-machine.sh install</c> (npm ci
/// from the committed lockfile), so a fresh CI machine needs only node and npm. When they cannot be installed
/// the test fails under CI and is ignored on a developer machine: a check can never pass by not running.
/// </summary>
internal static class NodeTools
{
    private static readonly Lazy<Task<string?>> Install = new(() => InstallAsync());

    public static string Dir => Path.Combine(RepoPaths.Root, "scripts", "state-machine");
    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "state-machine.sh");
    public static string Modules => Path.Combine(Dir, "node_modules");

    /// <summary>Ends the test (fail under CI, else ignore) unless the tools are installed.</summary>
    public static async Task RequireAsync()
    {
        if (await Install.Value is not { } unavailable) return;
        var message = $"the Step Functions npm tools are not available: {unavailable}";
        if (TestServices.UnderCi) Assert.Fail(message);
        Assert.Ignore(message);
    }

    private static async Task<string?> InstallAsync()
    {
        var run = await RunAsync("bash", [Script, "install"], timeout: TimeSpan.FromMinutes(5));
        return run.ExitCode == 0 ? null : $"scripts/state-machine.sh install exited {run.ExitCode}: {run.Stderr.Trim()} {run.Stdout.Trim()}";
    }

    /// <summary>Runs a process in the repository root; a missing executable is exit code 127.</summary>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(127, "", $"{file}: {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(stdin ?? "");
            process.StandardInput.Close();
            var limit = timeout ?? TimeSpan.FromMinutes(2);
            using var cts = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {limit}");
            }
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
    }
}
