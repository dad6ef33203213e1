namespace EtlFunction.Contracts;

/// <summary>
/// Contracts from folders of <c>&lt;dataset&gt;.yaml</c> files (the repository's <c>contracts/</c>, or the
/// copy inside the container image), or one explicit file that applies to any dataset name.
/// </summary>
public sealed class FolderContractSource(IReadOnlyList<string> folders, string? explicitFile = null) : IContractSource
{
    public DatasetContract? Find(string dataset)
    {
        if (explicitFile is not null) return ContractLoader.LoadFile(explicitFile);
        foreach (var dir in folders)
        {
            foreach (var ext in new[] { ".yaml", ".yml" })
            {
                var path = Path.Combine(dir, dataset + ext);
                if (File.Exists(path)) return ContractLoader.LoadFile(path);
            }
        }
        return null;
    }

    /// <summary>The default search path: <c>./contracts</c>, then <c>contracts/</c> beside the executable.</summary>
    public static FolderContractSource Default(string? explicitFile = null) =>
        new([Path.Combine(Directory.GetCurrentDirectory(), "contracts"), Path.Combine(AppContext.BaseDirectory, "contracts")], explicitFile);
}
