namespace EtlFunction.Steps;

/// <summary>
/// How the <c>plan</c> step splits when its event does not say: piece size, the size from which an object
/// is split at all, and the bound on pieces in flight. The host builds it from its configuration (the
/// function's environment, see <c>Configuration/</c>) and passes it in the <see cref="StepContext"/>, so the
/// step itself reads no settings.
/// </summary>
public sealed record SplitSettings(
    long ChunkSize = PlanStep.DefaultChunkSize,
    long SplitThreshold = PlanStep.DefaultSplitThreshold,
    int MaxConcurrency = PlanStep.DefaultMaxConcurrency)
{
    /// <summary>The built-in defaults.</summary>
    public static SplitSettings Default { get; } = new();
}
