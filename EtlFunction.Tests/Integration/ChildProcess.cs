using System.Diagnostics;

namespace EtlFunction.Tests.Integration;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the scripts and tools integration tests need (npm installs, publish, Node drivers) with a time limit.</summary>
internal static class ChildProcess
{
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
        // `dotnet test` exports MSBuild/host settings into the test process; a nested `dotnet publish` must not inherit them.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k is "DOTNET_HOST_PATH").ToList())
        {
            psi.Environment.Remove(name);
        }
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
