using EtlFunction.Contracts.Store;

namespace EtlFunction.Contracts;

/// <summary>Finds the contract of a dataset and says where it came from; null when there is none (the run then infers one).</summary>
public interface IContractSource
{
    Task<ResolvedContract?> ResolveAsync(string dataset, CancellationToken ct = default);
}
