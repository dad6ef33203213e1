using EtlFunction.Errors;

namespace EtlFunction.Contracts.Store;

/// <summary>
/// Contract precedence for a run: the contract store first (a contract published there changes the next
/// run without a new image), then the image's folder (<see cref="FolderContractSource"/>), then — when
/// neither has one — inference by the caller. A stored contract that fails validation fails the run with
/// <see cref="ErrorType.ContractViolation"/>; it never falls back to the folder's older rules.
/// </summary>
public sealed class StoreContractSource(IContractStore store, IContractSource fallback) : IContractSource
{
    public IContractStore Store { get; } = store;

    public async Task<ResolvedContract?> ResolveAsync(string dataset, CancellationToken ct = default)
    {
        var stored = await Store.GetAsync(dataset, null, ct).ConfigureAwait(false);
        if (stored is null) return await fallback.ResolveAsync(dataset, ct).ConfigureAwait(false);
        var contract = ContractLoader.Parse(ContractSourceInfo.TextOf(stored.Bytes), Describe(stored));
        return new ResolvedContract(contract, stored.SourceInfo);
    }

    private static string Describe(StoredContract s) => s.VersionId is null ? s.Location : $"{s.Location}?versionId={s.VersionId}";
}
