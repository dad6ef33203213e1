namespace EtlFunction.Contracts.Store;

/// <summary>
/// A contract store in a local folder (<c>ETL_CONTRACT_STORE=/path</c>): <c>&lt;dataset&gt;.yaml</c>
/// files, replaced atomically on publish. It keeps no versions (the version id is always null); the
/// SHA-256 in the run's records still names the exact text used.
/// </summary>
public sealed class FolderContractStore(string folder) : IContractStore
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public string LocationOf(string dataset) => Path.Combine(Folder, dataset + ".yaml");

    public async Task<StoredContract?> GetAsync(string dataset, string? versionId = null, CancellationToken ct = default)
    {
        if (versionId is not null)
        {
            throw new Errors.EtlException(Errors.ErrorType.ContractViolation, $"the contract store {Folder} keeps no versions: version '{versionId}' of '{dataset}' cannot be read");
        }
        var path = LocationOf(dataset);
        if (!File.Exists(path)) return null;
        return new StoredContract(path, null, await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false));
    }

    public async Task<StoredContract> PutAsync(string dataset, byte[] yaml, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder);
        var path = LocationOf(dataset);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        await File.WriteAllBytesAsync(temp, yaml, ct).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        return new StoredContract(path, null, yaml);
    }
}
