using EtlFunction.Tests.Integration.Lambda;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// The project's container image, as the image tests run it: <c>ETL_TEST_IMAGE</c> names it (scripts/test.sh
/// builds the Dockerfile with --no-cache on the stand-in bases and exports it) on the engine at <c>DOCKER_HOST</c>
/// (scripts/docker.sh: a private engine, no bridge). Without either, a test fails under CI (<c>CI=true</c>)
/// and is ignored on a developer machine, as <see cref="TestServices"/> does: an image test never passes by not
/// running. A named image the engine does not have always fails.
/// <para>
/// The emulator runs it through a function folder (<c>scripts/lambda-emulator.sh container-dir</c>): a
/// <c>bootstrap</c> that runs <c>docker run --rm --network host IMAGE HANDLER</c>, so the image's own entrypoint
/// (<c>/lambda-entrypoint.sh</c>, the stand-in's copy of provided.al2023's contract) turns the command into
/// <c>_HANDLER</c> and starts <c>/var/runtime/bootstrap</c>, as Lambda does with <c>ImageConfig.Command</c>.
/// Containers use the host network only (the Runtime API, s3rver and MariaDB listen on loopback), never a bridge.
/// </para>
/// </summary>
internal static class ImageUnderTest
{
    /// <summary>Where the Dockerfile puts the contracts; the binary finds them beside itself (/var/task/EtlFunction).</summary>
    public const string ContractsFolder = "/var/task/contracts";

    private static readonly Lazy<Task<string>> Dir = new(CreateFunctionDirAsync);

    /// <summary>The image's name (<c>ETL_TEST_IMAGE</c>); ends the test (fail under CI, else ignore) without an image or engine.</summary>
    public static string Name
    {
        get
        {
            var image = Require("ETL_TEST_IMAGE", "the container image");
            Require("DOCKER_HOST", "the Docker engine");
            return image;
        }
    }

    /// <summary>The function folder (bootstrap + container.env) for <see cref="LambdaEmulator"/> and run.cjs; made once per test run.</summary>
    public static async Task<string> FunctionDirAsync()
    {
        _ = Name;
        await LambdaEmulator.RequireAsync();
        return await Dir.Value;
    }

    /// <summary>Runs a command in the image with no network and no entrypoint of its own (<c>docker run --entrypoint</c>).</summary>
    public static async Task<ProcessResult> RunAsync(string entrypoint, params string[] args)
    {
        var docker = new List<string> { "run", "--rm", "--network", "none", "--entrypoint", entrypoint, Name };
        docker.AddRange(args);
        var run = await ChildProcess.RunAsync("docker", docker, timeout: TimeSpan.FromMinutes(1));
        Assert.That(run.ExitCode, Is.Not.EqualTo(127), $"docker is not installed: {run.Stderr}");
        return run;
    }

    private static async Task<string> CreateFunctionDirAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"etl-image-fn-{Guid.NewGuid():N}");
        var made = await ChildProcess.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "lambda-emulator.sh"), "container-dir", dir, Name]);
        if (made.ExitCode != 0) Assert.Fail($"scripts/lambda-emulator.sh container-dir failed (is {Name} built? scripts/docker.sh image):\n{made.Stderr}\n{made.Stdout}");
        TestContext.Progress.WriteLine($"  container function folder for {Name}: {dir}");
        return dir;
    }

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value)) return value;
        var message = $"{what} is not available: {variable} is not set (scripts/test.sh starts the engine and builds the image; by hand: "
            + "eval \"$(bash scripts/docker.sh env)\"; bash scripts/docker.sh image etl-function:test; export ETL_TEST_IMAGE=etl-function:test)";
        if (TestServices.UnderCi) Assert.Fail(message);
        Assert.Ignore(message);
        return ""; // not reached
    }
}
