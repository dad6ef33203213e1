using System.Security.Cryptography;
using System.Text.Json;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// What the image holds, read inside it (no network): the entrypoint and command Lambda starts it with, the
/// bootstrap that is the binary, the native libraries it loads (and for the AOT build nothing else: no runtime, no
/// IL), the dataset contracts — the checkout's, byte for byte, since the image tests pass no contracts folder of
/// their own — and no ELF file that would not start on Amazon Linux 2023's glibc.
/// </summary>
public class ImageContentsTests
{
    [Test]
    public async Task Image_AsBuilt_StartsTheBinaryAndHoldsItsLibrariesAndTheCheckoutsContracts()
    {
        var inspect = await ChildProcess.RunAsync("docker", ["image", "inspect", "-f", "{{json .Config}}", ImageUnderTest.Name]);
        Assert.That(inspect.ExitCode, Is.Zero, inspect.Stderr);
        var config = JsonDocument.Parse(inspect.Stdout).RootElement;
        Assert.That(config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "/lambda-entrypoint.sh" }), "the base image's entrypoint");
        Assert.That(config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "preprocess" }), "the default command (each function overrides it)");
        Assert.That(config.GetProperty("WorkingDir").GetString(), Is.EqualTo("/var/task"));

        var run = await ImageUnderTest.RunAsync("/bin/sh", "-c",
            "readlink -f /var/runtime/bootstrap; cd /var/task && ls -1 && sha256sum contracts/*");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("/var/task/EtlFunction"), "/var/runtime/bootstrap is the binary");
        string[] shipped = ["EtlFunction", "ParquetSharpNative.so", "libe_sqlite3.so", "contracts"];
        Assert.That(lines, Is.SupersetOf(shipped));
        var build = await BuildAsync();
        if (build == "aot")
        {
            // Native AOT: the one executable, its two native libraries and the contracts; no runtime, no IL.
            Assert.That(lines.Skip(1).Where(l => !l.Contains("  contracts/", StringComparison.Ordinal)), Is.EquivalentTo(shipped), "the AOT image's /var/task");
        }
        else
        {
            Assert.That(build, Is.EqualTo("readytorun"), "the image's etl.build label (Dockerfile BUILD argument)");
            Assert.That(lines, Does.Contain("libcoreclr.so"), "self-contained ReadyToRun: the runtime is in /var/task");
        }

        var inImage = lines.Where(l => l.Contains("  contracts/", StringComparison.Ordinal))
            .ToDictionary(l => l[(l.IndexOf("contracts/", StringComparison.Ordinal) + "contracts/".Length)..], l => l[..64]);
        var inCheckout = Directory.GetFiles(RepoPaths.Contracts)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));
        Assert.That(inImage, Is.EquivalentTo(inCheckout), $"/var/task/contracts is the checkout's contracts/ (an older image? rebuild: scripts/docker.sh image {ImageUnderTest.Name})");
    }

    /// <summary>
    /// The image's build stage already refuses to ship a file that needs a newer glibc than Amazon Linux 2023's
    /// (scripts/docker/check-glibc.sh); this reads the files out of the built image and runs the same check on
    /// them, and runs it once more with a limit below what they need, to show the check can fail.
    /// </summary>
    [Test]
    public async Task ImageFiles_AsShipped_NeedNoNewerGlibcThanAmazonLinux2023()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"etl-image-files-{Guid.NewGuid():N}");
        try
        {
            var copy = await ChildProcess.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator.sh"), "from-image", dir, ImageUnderTest.Name]);
            Assert.That(copy.ExitCode, Is.Zero, copy.Stderr);
            var check = Path.Combine(RepoPaths.Root, "scripts", "docker", "check-glibc.sh");

            var ok = await ChildProcess.RunAsync("sh", [check, dir]);
            Assert.That(ok.ExitCode, Is.Not.EqualTo(2), $"objdump (binutils) is needed on this machine: {ok.Stderr}");
            Assert.That(ok.ExitCode, Is.Zero, $"{ok.Stdout}\n{ok.Stderr}");
            Assert.That(ok.Stdout, Does.Contain("check-glibc: EtlFunction: GLIBC 2.").And.Contain("check-glibc: ParquetSharpNative.so: GLIBC 2.").And.Contain("check-glibc: libe_sqlite3.so: GLIBC 2."));
            TestContext.Progress.WriteLine(ok.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);

            var strict = await ChildProcess.RunAsync("sh", [check, dir, "2.16"]);
            Assert.That(strict.ExitCode, Is.EqualTo(1), "below glibc 2.17 (ParquetSharp's own need) the check fails");
            Assert.That(strict.Stdout, Does.Contain("ParquetSharpNative.so: GLIBC 2.17, GLIBCXX 3.4.19, CXXABI 1.3.5: NEEDS GLIBC_2.17 > 2.16"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> BuildAsync()
    {
        var label = await ChildProcess.RunAsync("docker", ["image", "inspect", "-f", "{{index .Config.Labels \"etl.build\"}}", ImageUnderTest.Name]);
        Assert.That(label.ExitCode, Is.Zero, label.Stderr);
        return label.Stdout.Trim();
    }
}
