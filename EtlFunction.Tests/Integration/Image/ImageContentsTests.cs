using System.Security.Cryptography;
using System.Text.Json;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// What the image holds, read inside it (no network): the entrypoint and command Lambda starts it with, the
/// bootstrap that is the binary, the native libraries the self-contained publish needs, and the dataset contracts —
/// the checkout's, byte for byte, since the image tests pass no contracts folder of their own.
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
        Assert.That(lines, Is.SupersetOf(new[] { "EtlFunction", "ParquetSharpNative.so", "libe_sqlite3.so", "libcoreclr.so", "contracts" }));

        var inImage = lines.Where(l => l.Contains("  contracts/", StringComparison.Ordinal))
            .ToDictionary(l => l[(l.IndexOf("contracts/", StringComparison.Ordinal) + "contracts/".Length)..], l => l[..64]);
        var inCheckout = Directory.GetFiles(RepoPaths.Contracts)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));
        Assert.That(inImage, Is.EquivalentTo(inCheckout), $"/var/task/contracts is the checkout's contracts/ (an older image? rebuild: scripts/docker.sh image {ImageUnderTest.Name})");
    }
}
