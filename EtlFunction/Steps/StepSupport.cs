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
        var yaml = await ctx.Store.GetTextAsync(r.Bucket, r.Key, ct).ConfigureAwait(false);
        var contract = ContractLoader.Parse(yaml, ctx.Store.Describe(r.Bucket, r.Key));
        if (fingerprint is { } fp && fp != contract.Fingerprint)
        {
            throw new EtlException(ErrorType.ContractViolation, $"the stored contract changed since preprocess (fingerprint {contract.Fingerprint}, expected {fp})");
        }
        return contract;
    }

    public static ObjectRef RequireProcessed(RunState state) =>
        state.Processed ?? throw new EtlException(ErrorType.InvalidInput, "run state has no processed output: run preprocess first");
}
