namespace EtlFunction.Generator;

/// <summary>
/// The dirt a generated Titanic row can carry. Each kind breaks one assumption a loader of the
/// Kaggle file tends to make, so the contract, the rejects and the dedupe policy all get exercised.
/// </summary>
[Flags]
public enum TitanicDirt
{
    None = 0,
    /// <summary>Age is <c>N/A</c> instead of a number or empty.</summary>
    AgeNotAvailable = 1,
    /// <summary>Age is <c>abc</c>.</summary>
    AgeText = 2,
    /// <summary>The record has 11 fields: the last one (Embarked) is missing.</summary>
    MissingField = 4,
    /// <summary>PassengerId repeats an earlier record's.</summary>
    DuplicatePassengerId = 8,
    /// <summary>Survived is <c>2</c> or <c>-1</c>.</summary>
    SurvivedOutOfRange = 16,
    /// <summary>Embarked has 1-3 trailing spaces (<c>"S  "</c>).</summary>
    EmbarkedTrailingSpaces = 32,
    /// <summary>The Name holds a nickname in double quotes: <c>Smith, Mrs. Jane "Jenny"</c>, written <c>"Smith, Mrs. Jane ""Jenny"""</c>.</summary>
    NameEmbeddedQuote = 64,
}

/// <summary>
/// Rates of the Titanic generator. Realistic gaps (empty Age, Cabin, Embarked) follow the Kaggle
/// file; each <see cref="TitanicDirt"/> kind has its own small rate AND is planted once at a
/// seed-chosen record when there are at least <see cref="MinRowsForPlanting"/> rows, so even a
/// small sample is guaranteed to contain every kind of dirt.
/// </summary>
public static class TitanicNoise
{
    /// <summary>Age is empty (Kaggle: 177 of 891).</summary>
    public const double EmptyAge = 0.20;
    /// <summary>Age is an infant's fraction (<c>0.42</c>, <c>0.83</c>...).</summary>
    public const double InfantAge = 0.012;
    /// <summary>Of the other ages, the share written as an estimate <c>NN.5</c>.</summary>
    public const double HalfYearAge = 0.025;
    /// <summary>Embarked is empty (Kaggle: 2 of 891; a little more here so small samples have some).</summary>
    public const double EmptyEmbarked = 0.005;
    /// <summary>Fare is <c>0</c>.</summary>
    public const double ZeroFare = 0.015;
    /// <summary>Rate of each <see cref="TitanicDirt"/> kind, independently per record.</summary>
    public const double EachDirtKind = 0.005;
    public const int MinRowsForPlanting = 8;

    /// <summary>The individual dirt kinds, in planting order.</summary>
    public static readonly TitanicDirt[] Kinds =
    [
        TitanicDirt.AgeNotAvailable, TitanicDirt.AgeText, TitanicDirt.MissingField, TitanicDirt.DuplicatePassengerId,
        TitanicDirt.SurvivedOutOfRange, TitanicDirt.EmbarkedTrailingSpaces, TitanicDirt.NameEmbeddedQuote,
    ];
}

/// <summary>What the generator knows about one emitted Titanic record, so tests can tell planted dirt from a parser bug.</summary>
/// <param name="Record">1-based data record number.</param>
/// <param name="PassengerId">The PassengerId written.</param>
/// <param name="Dirt">The dirt kinds this record carries.</param>
public readonly record struct TitanicRowFacts(long Record, long PassengerId, TitanicDirt Dirt);
