using System.Diagnostics;

namespace EtlFunction.Tests.Integration.StateMachine;

/// <summary>What a child process returned.</summary>

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
        var run = await ChildProcess.RunAsync("bash", [Script, "install"], timeout: TimeSpan.FromMinutes(5));
        return run.ExitCode == 0 ? null : $"scripts/state-machine.sh install exited {run.ExitCode}: {run.Stderr.Trim()} {run.Stdout.Trim()}";
    }
}
