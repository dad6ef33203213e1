namespace EtlFunction.Contracts.Inference;

/// <summary>
/// Knobs for <see cref="ContractInferrer"/>. The defaults are the ones the pipeline itself uses,
/// so a starter contract describes how a run would read the file; change them only to describe a
/// file that follows other conventions.
/// </summary>
public sealed record InferenceOptions
{
    /// <summary>Tokens that count as NULL (written to the contract's <c>null_values</c>).</summary>
    public IReadOnlyList<string> NullValues { get; init; } = DatasetContract.DefaultNullValues;

    /// <summary>A known delimiter; null detects it from the header and the next lines.</summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// How many values of a key-like column (<c>id</c>, <c>&lt;table&gt;_id</c>) are remembered to
    /// prove it unique. Each costs about 17-34 bytes (a 64-bit key in the cleaner's open-addressing
    /// table), so the default 5,000,000 needs up to about 100 MB, about 150 MB for a moment while
    /// the table doubles. Beyond the limit uniqueness is not proven and no primary key is chosen.
    /// </summary>
    public int MaxTrackedKeys { get; init; } = 5_000_000;

    /// <summary>How many date/time formats one column may need before it is left a string.</summary>
    public int MaxDateFormats { get; init; } = 3;
}
