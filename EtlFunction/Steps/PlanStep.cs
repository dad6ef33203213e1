using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlFunction.Cleaning;
using EtlFunction.Encodings;
using EtlFunction.Errors;
using EtlFunction.Split;

namespace EtlFunction.Steps;

/// <summary>
/// The <c>plan</c> step, first state of the state machine: decides between the single path and the
/// Distributed Map from the object's size. Below the split threshold (or for gzip, which cannot be
/// cut) it only looks at the object's metadata and answers <c>split: false</c>. Above it, it reads the
/// object once, cuts it into byte ranges that start on record starts (<see cref="RecordBoundaryPlanner"/>:
/// quoted newlines are never cut), fixes the run's contract (<see cref="RunStart"/>), and returns the
/// pieces for the map: each piece is <c>header + [start, end)</c> of the object version named by its
/// ETag, so one Lambda per piece cleans it with ranged GETs and reports true source line numbers.
/// </summary>
public static class PlanStep
{
    /// <summary>Default piece size: large enough that per-Lambda start-up is small beside the work.</summary>
    public const long DefaultChunkSize = 128L << 20;

    /// <summary>Default split threshold: objects below it take the single path, which one Lambda cleans in about a minute.</summary>
    public const long DefaultSplitThreshold = 1L << 30;

    /// <summary>Default bound on pieces in flight (the map's <c>MaxConcurrencyPath</c>).</summary>
    public const int DefaultMaxConcurrency = 16;

    public static async Task<PlanResult> RunAsync(StepContext ctx, PlanInput input, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var info = await PreprocessStep.FindSourceAsync(ctx.Store, input.Bucket, input.Key, ct).ConfigureAwait(false)
            ?? throw new EtlException(ErrorType.InvalidInput, $"source object not found: {ctx.Store.Describe(input.Bucket, input.Key)}");
        var where = ctx.Store.Describe(info.Bucket, info.Key);
        if (info.Size < input.SplitThreshold)
        {
            ctx.Log($"plan {where}: {info.Size} bytes, below the split threshold of {input.SplitThreshold}: single path");
            return PlanResult.Single(info.Size, input.MaxConcurrency, sw.Elapsed.TotalSeconds);
        }

        RecordPlan plan;
        await using (var src = await ctx.Store.OpenRangeReadAsync(info.Bucket, info.Key, 0, info.Size, info.ETag, ct).ConfigureAwait(false))
        {
            // The binary sniff of the single path, on the first bytes of the same read.
            var head = new byte[(int)Math.Min(info.Size, InputDecoder.SniffBytes)];
            await src.ReadExactlyAsync(head, ct).ConfigureAwait(false);
            if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            {
                // Gzip cannot be cut, and its compressed bytes are no text: the single path inflates, sniffs and verifies it.
                ctx.Log($"plan {where}: gzip cannot be split: single path");
                return PlanResult.Single(info.Size, input.MaxConcurrency, sw.Elapsed.TotalSeconds) with { Gzip = true };
            }
            // UTF-16 cannot be cut at bytes found by value (0x0A can be half of any character): the single path reads it.
            var utf16 = SourceEncodings.Utf16ByBom(head);
            if (utf16 is null)
            {
                var declared = (await ctx.Contracts.ResolveAsync(input.Dataset ?? RunIds.DatasetOf(info.Key), ct).ConfigureAwait(false))?.Contract.Encoding;
                if (declared is not null && SourceEncodings.IsUtf16(declared)) utf16 = declared;
            }
            if (utf16 is not null)
            {
                ctx.Log($"plan {where}: {utf16} cannot be split: single path");
                return PlanResult.Single(info.Size, input.MaxConcurrency, sw.Elapsed.TotalSeconds);
            }
            InputDecoder.EnsureText(head);
            plan = await Task.Run(() => RecordBoundaryPlanner.Plan(new PrefixStream(head, src), input.ChunkSize), ct).ConfigureAwait(false);
        }
        if (!plan.IsSplit)
        {
            ctx.Log($"plan {where}: {(plan.Gzip ? "gzip cannot be split" : "one piece")}: single path");
            return PlanResult.Single(info.Size, input.MaxConcurrency, sw.Elapsed.TotalSeconds) with { Gzip = plan.Gzip };
        }

        var run = await RunStart.BeginAsync(ctx, info, input.Dataset, "plan", ct).ConfigureAwait(false);
        var pieces = plan.Ranges.Select((r, i) => new PlanPiece(i, r.Start, r.End, r.FirstLine)).ToList();
        ctx.Log($"plan {where}: {pieces.Count} pieces at record boundaries in {sw.Elapsed.TotalSeconds:F2} s");
        var split = new SplitRun
        {
            RunId = run.RunId,
            Dataset = run.Dataset,
            Source = run.Source,
            Contract = run.ContractRef,
            ContractFingerprint = run.Contract.Fingerprint,
            ContractInferred = run.Inferred,
            ContractSource = run.ContractSource,
            ArchiveDt = run.ArchiveDt,
            Table = run.Contract.Table,
            HeaderLength = plan.HeaderLength,
            HeaderLines = plan.HeaderLines,
            PieceCount = pieces.Count,
        };
        return new PlanResult(true, input.MaxConcurrency, split, pieces, info.Size, false, Math.Round(sw.Elapsed.TotalSeconds, 3));
    }
}

/// <summary>
/// What to plan: the object (an S3 event or <c>{"bucket","key"}</c>, as for preprocess), and optionally
/// <c>chunkSize</c> (piece bytes), <c>splitThreshold</c> (bytes) and <c>maxConcurrency</c>; each defaults to the
/// host's <see cref="SplitSettings"/> (in Lambda the function's environment, see <c>Configuration/SplitEnvironment</c>).
/// </summary>
public sealed record PlanInput(string Bucket, string Key, string? Dataset, long ChunkSize, long SplitThreshold = 0, int MaxConcurrency = PlanStep.DefaultMaxConcurrency)
{
    public static PlanInput Parse(string json, SplitSettings defaults)
    {
        var source = StepEvents.ParsePreprocess(json);
        var o = JsonNode.Parse(json) as JsonObject;
        var chunk = Number(o, "chunkSize", defaults.ChunkSize, min: 1);
        var threshold = Number(o, "splitThreshold", defaults.SplitThreshold, min: 0);
        var concurrency = Number(o, "maxConcurrency", defaults.MaxConcurrency, min: 1);
        return new PlanInput(source.Bucket, source.Key, source.Dataset, chunk, threshold, (int)Math.Min(concurrency, 10_000));
    }

    private static long Number(JsonObject? o, string name, long fallback, long min)
    {
        if (o?[name] is not JsonValue v) return fallback;
        return v.TryGetValue<long>(out var n) && n >= min
            ? n
            : throw new EtlException(ErrorType.InvalidInput, $"plan: {name} must be a whole number >= {min}");
    }
}

/// <summary>One piece for one worker: clean the object's header bytes followed by <c>[Start, End)</c>; its first record is on source line <c>FirstLine</c>.</summary>
public sealed record PlanPiece(int Index, long Start, long End, long FirstLine);

/// <summary>
/// The plan of one object. <c>Split</c> false: take the single path (<c>Run</c> is null, no pieces).
/// <c>Split</c> true: the map iterates <c>Pieces</c>, each item getting <c>Run</c> beside its piece.
/// </summary>
public sealed record PlanResult(bool Split, int MaxConcurrency, SplitRun? Run, IReadOnlyList<PlanPiece> Pieces, long Length, bool Gzip, double Seconds)
{
    public static PlanResult Single(long length, int maxConcurrency, double seconds) => new(false, maxConcurrency, null, [], length, false, Math.Round(seconds, 3));
}

/// <summary>
/// What every piece, the merge and the steps after share about a split run — fixed once by the plan,
/// small, and the same for every map item (the pieces themselves are only their ranges).
/// </summary>
public sealed record SplitRun
{
    public required string RunId { get; init; }
    public required string Dataset { get; init; }
    /// <summary>The landing object; its ETag pins every ranged read to the version that was planned.</summary>
    public required ObjectRef Source { get; init; }
    public required ObjectRef Contract { get; init; }
    public required string ContractFingerprint { get; init; }
    public bool ContractInferred { get; init; }
    /// <summary>Where the plan read the contract (see <see cref="RunState.ContractSource"/>).</summary>
    public Contracts.Store.ContractSourceInfo? ContractSource { get; init; }
    public required string ArchiveDt { get; init; }
    public string? Table { get; init; }
    public long HeaderLength { get; init; }
    public long HeaderLines { get; init; }
    public int PieceCount { get; init; }
}
