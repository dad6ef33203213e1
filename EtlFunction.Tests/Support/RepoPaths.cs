namespace EtlFunction.Tests;

/// <summary>
/// Finds the repository's folders from the test binary, so tests use the real contracts and samples. In the
/// project's root namespace (not <c>EtlFunction.Tests.Support</c>), so every test folder finds it without a using.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Contracts => Path.Combine(Root, "contracts");
    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
