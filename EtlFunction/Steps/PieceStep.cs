using System.Diagnostics;
using System.Text.Json;
using EtlFunction.Cleaning;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.Split;
using EtlFunction.Storage;

namespace EtlFunction.Steps;

/// <summary>
/// The <c>piece</c> step, one Distributed Map item: cleans <c>header + [start, end)</c> of the landing
/// object (two ranged GETs of the planned version) under the run's stored contract, and writes the
/// piece's processed part, rejects, key log and counts to the processed bucket. It applies every rule
/// that looks at one row; dedupe, which needs every piece, is decided by the merge from the key logs.
/// Outputs are keyed by run and piece index and committed atomically, so a retried item overwrites.
/// </summary>
public static class PieceStep
{
    public static async Task<PieceResult> RunAsync(StepContext ctx, PieceInput input, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var (run, piece) = (input.Run, input.Piece);
        if (run is null || piece is null) throw new EtlException(ErrorType.InvalidInput, "piece expects {\"run\": ..., \"piece\": ...}");
        if (piece.Index < 0 || piece.Start < 0 || piece.End < piece.Start || run.HeaderLength < 0 || run.HeaderLength > Array.MaxLength)
        {
            throw new EtlException(ErrorType.InvalidInput, $"piece: the range [{piece.Start}, {piece.End}) of piece {piece.Index} (header {run.HeaderLength} bytes) is not a valid byte range");
        }
        var contract = await StepSupport.LoadContractAsync(ctx, run.Contract, run.ContractFingerprint, ct).ConfigureAwait(false);
        var source = run.Source;
        var etag = source.ETag ?? throw new EtlException(ErrorType.InvalidInput, "piece: the plan's source has no ETag");
        var store = ctx.Store;

        var header = new byte[run.HeaderLength];
        await using (var h = await store.OpenRangeReadAsync(source.Bucket, source.Key, 0, run.HeaderLength, etag, ct).ConfigureAwait(false))
        {
            await h.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        }

        var hasKey = contract.Dedupe != DedupePolicy.None && contract.PrimaryKey.Count > 0;
        var bucket = ctx.Buckets.Processed;
        CleanResult result;
        await using (var processed = await store.OpenWriteAsync(bucket, Buckets.PartKey(run.Dataset, run.RunId, piece.Index), ct).ConfigureAwait(false))
        await using (var rejects = await store.OpenWriteAsync(bucket, Buckets.PieceKey(run.Dataset, run.RunId, piece.Index, "rejects.csv"), ct).ConfigureAwait(false))
        await using (var keys = await store.OpenWriteAsync(bucket, Buckets.PieceKey(run.Dataset, run.RunId, piece.Index, "keys"), ct).ConfigureAwait(false))
        {
            var body = await store.OpenRangeReadAsync(source.Bucket, source.Key, piece.Start, piece.End, etag, ct).ConfigureAwait(false);
            using (var src = new PieceStream(header, body))
            using (var keyLog = hasKey ? new KeyLog(keys.Stream, contract.Dedupe == DedupePolicy.Reject, leaveOpen: true) : null)
            {
                var cleaner = new CsvCleaner(contract)
                {
                    Part = new PartOptions(piece.FirstLine - (run.HeaderLines + 1), Math.Min(Environment.ProcessorCount, 8), false, keyLog),
                };
                result = await Task.Run(() => cleaner.Run(src, processed.Stream, rejects.Stream, ctx.Progress, ct), ct).ConfigureAwait(false);
                keyLog?.Flush();
            }
            if (!result.Balanced) throw new EtlException(ErrorType.InternalError, $"piece {piece.Index}: row accounting does not balance: {CsvCleaner.Describe(result)}");
            await processed.CommitAsync(ct).ConfigureAwait(false);
            await rejects.CommitAsync(ct).ConfigureAwait(false);
            await keys.CommitAsync(ct).ConfigureAwait(false);
        }
        // The counts last: the merge takes a piece whose counts exist as complete.
        await store.PutTextAsync(bucket, Buckets.PieceKey(run.Dataset, run.RunId, piece.Index, "json"), JsonSerializer.Serialize(result, Json.Context.CleanResult), ct).ConfigureAwait(false);
        ctx.Log($"piece {piece.Index} [{piece.Start}, {piece.End}): {CsvCleaner.Describe(result)}");
        return new PieceResult(piece.Index, result.RowsRead, result.RowsWritten, result.RowsRejected, Math.Round(sw.Elapsed.TotalSeconds, 3));
    }
}

/// <summary>One map item: the run the plan fixed and this item's piece.</summary>
public sealed record PieceInput(SplitRun Run, PlanPiece Piece);

/// <summary>A piece's answer (small: the map discards it; the merge reads the stored counts).</summary>
public sealed record PieceResult(int Index, long RowsRead, long RowsWritten, long RowsRejected, double Seconds);
