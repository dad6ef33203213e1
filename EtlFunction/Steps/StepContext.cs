using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Database;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// Everything a step needs from its host: the object store, the bucket names, where contracts
/// come from, the database, a clock and a log. The CLI and the Lambda host build one each; the
/// steps never read configuration themselves.
/// </summary>
public sealed class StepContext
{
    public required IObjectStore Store { get; init; }
    public required Buckets Buckets { get; init; }
    public required IContractSource Contracts { get; init; }
    /// <summary>Creates the database loader (lazily: only the load step needs one).</summary>
    public Func<ITableLoader>? Loader { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    public Action<string> Log { get; init; } = _ => { };
    public Action<CleanProgress>? Progress { get; init; }
    /// <summary>
    /// Cores for preprocess (CLI <c>--parallel N</c>): above 1, a plain local source is split at record
    /// boundaries and its pieces cleaned in parallel (<see cref="Plan.ChunkedCleaner"/>), with the
    /// same outputs as one pass.
    /// </summary>
    public int Parallel { get; init; } = 1;
}

/// <summary>Finds the contract of a dataset; null when there is none (the run then infers one).</summary>
public interface IContractSource
{
    DatasetContract? Find(string dataset);
}

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
