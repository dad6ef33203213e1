using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlFunction.Errors;
using EtlFunction.Plan;

namespace EtlFunction.Steps;

/// <summary>
/// The <c>plan</c> step: reads a landing object once and returns the byte ranges it splits into at
/// record boundaries (<see cref="RecordBoundaryPlanner"/>), as JSON a Distributed Map can iterate —
/// each piece self-contained (object, ETag, header length, range, first source line), so one Lambda
/// per piece can clean <c>header + range</c> with a ranged GET and report true line numbers. The
/// ETag pins the plan to the object version it was made from.
/// </summary>
public static class PlanStep
{
    /// <summary>Default piece size: large enough that per-Lambda start-up is small beside the work.</summary>
    public const long DefaultChunkSize = 64L << 20;

    public static async Task<PlanResult> RunAsync(StepContext ctx, PlanInput input, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var info = await PreprocessStep.FindSourceAsync(ctx.Store, input.Bucket, input.Key, ct).ConfigureAwait(false)
            ?? throw new EtlException(ErrorType.InvalidInput, $"source object not found: {ctx.Store.Describe(input.Bucket, input.Key)}");
        RecordPlan plan;
        await using (var src = await ctx.Store.OpenReadAsync(info.Bucket, info.Key, ct).ConfigureAwait(false))
        {
            plan = await Task.Run(() => RecordBoundaryPlanner.Plan(src, input.ChunkSize), ct).ConfigureAwait(false);
        }
        ctx.Log($"plan {ctx.Store.Describe(info.Bucket, info.Key)}: {plan.Ranges.Count} piece(s){(plan.Gzip ? " (gzip: not split)" : "")}");
        var pieces = plan.Ranges.Select((r, i) => new PlanPiece(i, info.Bucket, info.Key, info.ETag, plan.HeaderLength, r.Start, r.End, r.FirstLine)).ToList();
        return new PlanResult(info.Bucket, info.Key, info.ETag, input.Dataset, plan.Length, plan.HeaderLength, plan.Gzip, pieces, Math.Round(sw.Elapsed.TotalSeconds, 3));
    }
}

/// <summary>What to plan: the object (an S3 event or <c>{"bucket","key"}</c>, as for preprocess) and an optional <c>chunkSize</c> in bytes.</summary>
public sealed record PlanInput(string Bucket, string Key, string? Dataset, long ChunkSize)
{
    public static PlanInput Parse(string json)
    {
        var source = StepEvents.ParsePreprocess(json);
        var chunk = PlanStep.DefaultChunkSize;
        if (JsonNode.Parse(json) is JsonObject o && o["chunkSize"] is JsonValue v)
        {
            chunk = v.TryGetValue<long>(out var n) && n > 0
                ? n
                : throw new EtlException(ErrorType.InvalidInput, "plan: chunkSize must be a positive number of bytes");
        }
        return new PlanInput(source.Bucket, source.Key, source.Dataset, chunk);
    }
}

/// <summary>One piece for one worker: clean the header bytes <c>[0, HeaderLength)</c> followed by <c>[Start, End)</c>.</summary>
public sealed record PlanPiece(int Index, string Bucket, string Key, string ETag, long HeaderLength, long Start, long End, long FirstLine);

/// <summary>The plan of one object: its pieces in file order (one piece, from byte 0, when it cannot be split).</summary>
public sealed record PlanResult(string Bucket, string Key, string ETag, string? Dataset, long Length, long HeaderLength, bool Gzip, IReadOnlyList<PlanPiece> Pieces, double Seconds);
