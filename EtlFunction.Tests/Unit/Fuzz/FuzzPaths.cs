namespace EtlFunction.Tests.Unit.Fuzz;

/// <summary>The repository's contracts and samples folders, found above the test binary.</summary>
internal static class FuzzPaths
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
