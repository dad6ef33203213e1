using EtlFunction.Errors;

namespace EtlFunction.Steps;

/// <summary>
/// The state machine of <c>statemachine/etl.asl.json</c>, run in-process for the CLI: preprocess,
/// then load and archive in parallel (as the Parallel state does), then finalize; on any failure,
/// quarantine and rethrow. Same steps, same run state, so local and AWS runs cannot drift apart.
/// One difference on the single pass: the load and the archive start while preprocess still cleans
/// (<see cref="StreamedRun"/>), and commit only after preprocess has succeeded.
/// </summary>
public static class LocalPipeline
{
    public static Task<RunState> RunAsync(StepContext ctx, PreprocessInput input, CancellationToken ct = default) =>
        RunAsync(ctx, input, stream: true, ct);

    /// <summary>
    /// The run, with <paramref name="stream"/> true loading and archiving while cleaning on the single pass
    /// (false: strictly one step after another, as the state machine does).
    /// </summary>
    public static async Task<RunState> RunAsync(StepContext ctx, PreprocessInput input, bool stream, CancellationToken ct = default)
    {
        string? etag = null;
        var failedState = "Preprocess";
        var streamed = stream ? new StreamedRun(ctx) : null;
        try
        {
            etag = (await ctx.Store.HeadAsync(input.Bucket, input.Key, ct).ConfigureAwait(false))?.ETag;
            RunState state;
            try
            {
                state = await PreprocessStep.RunAsync(ctx, input, streamed, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (streamed is { Started: true })
            {
                await streamed.AbandonAsync(e).ConfigureAwait(false);
                throw;
            }
            if (state.RowsWritten == 0)
            {
                // The state machine's Choice: nothing to load or archive goes straight to Finalize.
                if (streamed is { Started: true }) await streamed.AbandonAsync(null).ConfigureAwait(false);
                state = state with { RowsLoaded = 0, Archive = [] };
            }
            else
            {
                failedState = "LoadAndArchive";
                var load = streamed is { Load.Started: true } ? streamed.Load.CompleteAsync(state) : LoadStep.RunAsync(ctx, state, ct);
                var archive = streamed is { Archive.Started: true } ? streamed.Archive.CompleteAsync(state) : ArchiveStep.RunAsync(ctx, state, ct);
                await Task.WhenAll(load, archive).ConfigureAwait(false);
                state = Merge(load.Result, archive.Result);
            }
            failedState = "Finalize";
            return await FinalizeStep.RunAsync(ctx, state, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = ErrorClassifier.Classify(e);
            try
            {
                await QuarantineStep.RunAsync(ctx, input.Bucket, input.Key, etag, new FailureInfo(error.Type.ToString(), error.Exception.Message, failedState, "local"), ct).ConfigureAwait(false);
            }
            catch (Exception q) when (q is not OperationCanceledException)
            {
                // The run's own error is what the user needs; a failed quarantine is only logged.
                ctx.Log($"quarantine failed too: {q.Message}");
            }
            throw;
        }
    }

    /// <summary>Joins the Parallel branches: the load branch's database fields, the archive branch's files, both timings.</summary>
    public static RunState Merge(RunState load, RunState archive)
    {
        var timings = new Dictionary<string, double>(load.Timings);
        foreach (var (k, v) in archive.Timings) timings[k] = v;
        return load with { Archive = archive.Archive, Timings = timings };
    }
}
