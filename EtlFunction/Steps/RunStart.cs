using System.Globalization;
using System.Text.Json;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Inference;
using EtlFunction.Contracts.Store;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// What every run fixes before it cleans a row: the run id, the dataset, the effective contract
/// (found, or inferred from the object) stored beside the outputs, and the archive day. Preprocess
/// and plan both begin here, so the single path and the Distributed Map clean under the same
/// contract and write under the same keys.
/// </summary>
internal sealed record RunStart(string RunId, string Dataset, ObjectRef Source, DatasetContract Contract, bool Inferred, ObjectRef ContractRef, string ArchiveDt,
    ContractSourceInfo? ContractSource)
{
    public static async Task<RunStart> BeginAsync(StepContext ctx, ObjectInfo info, string? datasetOverride, string step, CancellationToken ct)
    {
        var store = ctx.Store;
        var dataset = datasetOverride ?? RunIds.DatasetOf(info.Key);
        var runId = RunIds.For(info.Bucket, info.Key, info.VersionId ?? info.ETag);
        var source = new ObjectRef(info.Bucket, info.Key) { ETag = info.ETag, Size = info.Size, VersionId = info.VersionId, LastModified = info.LastModified };

        var resolved = await ctx.Contracts.ResolveAsync(dataset, ct).ConfigureAwait(false);
        var contract = resolved?.Contract;
        var inferred = false;
        if (contract is null)
        {
            contract = await InferAsync(ctx, info, dataset, ct).ConfigureAwait(false);
            inferred = true;
        }
        else if (contract.Dataset != dataset)
        {
            contract = contract with { Dataset = dataset };
        }
        Database.TargetLimits.CheckContract(contract, inferred);
        var contractKey = Buckets.ContractKey(dataset, runId);
        var contractYaml = ContractWriter.ToYaml(contract with { SourcePath = null });
        var contractInfo = await store.PutTextAsync(ctx.Buckets.Processed, contractKey, contractYaml, ct).ConfigureAwait(false);
        ctx.Log($"{step} {store.Describe(info.Bucket, info.Key)} as dataset '{dataset}', run {runId}, contract {(inferred ? "inferred" : contract.SourcePath)} ({contract.Fingerprint}){Sha(resolved?.Source)}");

        var archiveDt = await PreviousArchiveDtAsync(ctx, dataset, runId, ct).ConfigureAwait(false)
            ?? info.LastModified.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new RunStart(runId, dataset, source, contract, inferred, new ObjectRef(ctx.Buckets.Processed, contractKey) { ETag = contractInfo.ETag }, archiveDt,
            resolved?.Source);
    }

    private static string Sha(ContractSourceInfo? s) => s is null ? "" : $", sha256 {s.Sha256}" + (s.VersionId is { } v ? $", version {v}" : "");

    /// <summary>The archive day of an earlier completed run of this object, from its manifest.</summary>
    private static async Task<string?> PreviousArchiveDtAsync(StepContext ctx, string dataset, string runId, CancellationToken ct)
    {
        var key = Buckets.ManifestKey(dataset, runId);
        if (await ctx.Store.TryGetTextAsync(ctx.Buckets.Archive, key, ct).ConfigureAwait(false) is not { } text) return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.GetProperty("run").TryGetProperty("archiveDt", out var dt) ? dt.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            ctx.Log($"warning: manifest {key} is unreadable ({e.Message}); using the source date for the archive");
            return null;
        }
    }

    /// <summary>
    /// No contract: read the object once to infer one (types that never lose data). The inferred
    /// contract is stored with the outputs, so load and archive use exactly what preprocess used.
    /// </summary>
    private static async Task<DatasetContract> InferAsync(StepContext ctx, ObjectInfo info, string dataset, CancellationToken ct)
    {
        ctx.Log($"no contract for dataset '{dataset}': inferring one from {ctx.Store.Describe(info.Bucket, info.Key)}");
        await using var src = await ctx.Store.OpenReadAsync(info.Bucket, info.Key, ct).ConfigureAwait(false);
        var result = await Task.Run(() => ContractInferrer.Infer(src, dataset), ct).ConfigureAwait(false);
        if (result.EncodingNote is { } note) ctx.Log($"encoding {result.Contract.Encoding}: {note}");
        return result.Contract;
    }
}
