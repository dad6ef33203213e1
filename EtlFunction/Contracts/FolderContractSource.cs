using EtlFunction.Contracts.Store;
using EtlFunction.Errors;

namespace EtlFunction.Contracts;

/// <summary>
/// Contracts from folders of <c>&lt;dataset&gt;.yaml</c> files (the repository's <c>contracts/</c>, or the
/// copy inside the container image), or one explicit file that applies to any dataset name.
/// </summary>
/// <remarks>
/// A folder named by the user (<c>--contracts</c>, <c>ETL_CONTRACTS</c>) must exist: a dataset without a
/// contract is inferred, so a mistyped or unmounted folder would otherwise load every file under an inferred
/// contract (other table, other types, no filters) without a word. Only the default search path may be absent.
/// </remarks>
public sealed class FolderContractSource(IReadOnlyList<string> folders, string? explicitFile = null, bool foldersMustExist = false) : IContractSource
{
    public DatasetContract? Find(string dataset) => PathOf(dataset) is { } path ? ContractLoader.LoadFile(path) : null;

    public async Task<ResolvedContract?> ResolveAsync(string dataset, CancellationToken ct = default)
    {
        if (PathOf(dataset) is not { } path) return null;
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var contract = ContractLoader.Parse(ContractSourceInfo.TextOf(bytes), path);
        return new ResolvedContract(contract, new ContractSourceInfo(Path.GetFullPath(path), null, ContractSourceInfo.HashOf(bytes)));
    }

    private string? PathOf(string dataset)
    {
        if (explicitFile is not null) return explicitFile;
        foreach (var dir in folders)
        {
            if (foldersMustExist && !Directory.Exists(dir))
            {
                throw new EtlException(ErrorType.ContractViolation,
                    $"the contracts folder '{dir}' does not exist: no contract for '{dataset}' can be looked up (check --contracts / ETL_CONTRACTS)");
            }
            foreach (var ext in new[] { ".yaml", ".yml" })
            {
                var path = Path.Combine(dir, dataset + ext);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    /// <summary>The default search path: <c>./contracts</c>, then <c>contracts/</c> beside the executable.</summary>
    public static FolderContractSource Default(string? explicitFile = null) =>
        new([Path.Combine(Directory.GetCurrentDirectory(), "contracts"), Path.Combine(AppContext.BaseDirectory, "contracts")], explicitFile);
}
