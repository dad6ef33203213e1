using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>Helpers the steps after preprocess share: reading the run's stored contract and checking state.</summary>
internal static class StepSupport
{
    public static async Task<DatasetContract> LoadContractAsync(StepContext ctx, RunState state, CancellationToken ct)
    {
        var r = state.Contract ?? throw new EtlException(ErrorType.InvalidInput, "run state has no contract reference: run preprocess first");
        return await LoadContractAsync(ctx, r, state.ContractFingerprint, ct).ConfigureAwait(false);
    }

    /// <summary>The stored contract of a run, checked against the fingerprint the run started with.</summary>
    public static async Task<DatasetContract> LoadContractAsync(StepContext ctx, ObjectRef r, string? fingerprint, CancellationToken ct)
    {
        var yaml = await ReadNamedAsync(ctx, r, "contract", () => ctx.Store.GetTextAsync(r.Bucket, r.Key, ct)).ConfigureAwait(false);
        Database.LoadProfile.Mark("contractGet");
        var contract = ContractLoader.Parse(yaml, ctx.Store.Describe(r.Bucket, r.Key));
        if (fingerprint is { } fp && fp != contract.Fingerprint)
        {
            throw new EtlException(ErrorType.ContractViolation, $"the stored contract changed since preprocess (fingerprint {contract.Fingerprint}, expected {fp})");
        }
        return contract;
    }

    /// <summary>
    /// Reads an object the run state names. A missing one is <see cref="ErrorType.InvalidInput"/> (a stale or
    /// hand-written state, or an event for another store), not the <see cref="FileNotFoundException"/> of a bug.
    /// </summary>
    public static async Task<T> ReadNamedAsync<T>(StepContext ctx, ObjectRef r, string what, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new EtlException(ErrorType.InvalidInput, $"the run state's {what} {ctx.Store.Describe(r.Bucket, r.Key)} does not exist", e);
        }
    }

    public static ObjectRef RequireProcessed(RunState state) =>
        state.Processed ?? throw new EtlException(ErrorType.InvalidInput, "run state has no processed output: run preprocess first");
}
