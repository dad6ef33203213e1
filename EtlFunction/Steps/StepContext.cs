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
    /// boundaries and its pieces cleaned in parallel (<see cref="Split.ChunkedCleaner"/>), with the
    /// same outputs as one pass.
    /// </summary>
    public int Parallel { get; init; } = 1;
    /// <summary>How the <c>plan</c> step splits when its event does not say (the host's configuration).</summary>
    public SplitSettings SplitDefaults { get; init; } = SplitSettings.Default;

    /// <summary>What the load step assumes a load takes (<see cref="Steps.LoadBudget"/>; the host's configuration).</summary>
    public LoadBudget LoadBudget { get; init; } = LoadBudget.Default;

    private DateTimeOffset? _deadline;

    /// <summary>
    /// When the host cancels the step (the Lambda deadline less its safety margin); null when none is known (the CLI,
    /// an emulator without a real deadline). The load step refuses a load that cannot finish before it.
    /// </summary>
    public DateTimeOffset? Deadline { get => _deadline; init => _deadline = value; }

    /// <summary>This context for one invocation with a known deadline (everything else shared).</summary>
    public StepContext WithDeadline(DateTimeOffset? deadline)
    {
        var copy = (StepContext)MemberwiseClone();
        copy._deadline = deadline;
        return copy;
    }
}
