using EtlFunction.Contracts.Store;

namespace EtlFunction.Tests.Unit.Contracts.Store;

/// <summary>
/// A contract store that keeps every version, as a versioned S3 bucket does (s3rver does not): each put gets a
/// new version id (<c>v1</c>, <c>v2</c>, …), a plain get returns the newest, a get by id returns that one.
/// </summary>
internal sealed class VersionedFakeContractStore : IContractStore
{
    private readonly Dictionary<string, List<(string Id, byte[] Bytes)>> _versions = new(StringComparer.Ordinal);
    private int _next;

    public int Gets { get; private set; }

    public string LocationOf(string dataset) => $"fake://contracts/{dataset}.yaml";

    public Task<StoredContract?> GetAsync(string dataset, string? versionId = null, CancellationToken ct = default)
    {
        Gets++;
        if (!_versions.TryGetValue(dataset, out var list) || list.Count == 0) return Task.FromResult<StoredContract?>(null);
        var (id, bytes) = versionId is null ? list[^1] : list.Single(v => v.Id == versionId);
        return Task.FromResult<StoredContract?>(new StoredContract(LocationOf(dataset), id, bytes));
    }

    public Task<StoredContract> PutAsync(string dataset, byte[] yaml, CancellationToken ct = default)
    {
        if (!_versions.TryGetValue(dataset, out var list)) _versions[dataset] = list = [];
        var id = "v" + ++_next;
        list.Add((id, yaml.ToArray()));
        return Task.FromResult(new StoredContract(LocationOf(dataset), id, yaml));
    }
}
