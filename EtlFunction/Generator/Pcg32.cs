namespace EtlFunction.Generator;

/// <summary>
/// A small PCG32 (XSH-RR) random number generator. The generators use it instead of
/// <see cref="Random"/> because <c>System.Random</c>'s seeded sequence is an implementation
/// detail that may change between .NET versions, while test data and committed samples must be
/// byte-identical for a given seed on every runtime and machine. Only integer arithmetic is used,
/// so the sequence does not depend on floating-point behaviour either.
/// </summary>
public sealed class Pcg32
{
    private const ulong Multiplier = 6364136223846793005UL;
    private ulong _state;
    private readonly ulong _increment;

    /// <summary>Seeds the state and the stream from <paramref name="seed"/> through SplitMix64, so nearby seeds give unrelated sequences.</summary>
    public Pcg32(ulong seed)
    {
        var sm = seed;
        var initState = SplitMix64(ref sm);
        _increment = (SplitMix64(ref sm) << 1) | 1UL;
        _state = 0;
        NextUInt32();
        _state += initState;
        NextUInt32();
    }

    /// <summary>The next 32 uniformly distributed bits.</summary>
    public uint NextUInt32()
    {
        var old = _state;
        _state = unchecked(old * Multiplier + _increment);
        var xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        var rot = (int)(old >> 59);
        return (xorShifted >> rot) | (xorShifted << ((-rot) & 31));
    }

    /// <summary>A uniform integer in <c>[0, bound)</c> without modulo bias (Lemire's method).</summary>
    public int Next(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var b = (uint)bound;
        var m = (ulong)NextUInt32() * b;
        var low = (uint)m;
        if (low < b)
        {
            var threshold = unchecked(0u - b) % b;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * b;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A uniform integer in <c>[minInclusive, maxInclusive]</c>, like Python's <c>randint</c>.</summary>
    public int Between(int minInclusive, int maxInclusive) => minInclusive + Next(maxInclusive - minInclusive + 1);

    /// <summary>A uniform integer in <c>[0, bound)</c> for bounds beyond <see cref="int.MaxValue"/>.</summary>
    public long NextInt64(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        if (bound <= int.MaxValue) return Next((int)bound);
        var b = (ulong)bound;
        var limit = ulong.MaxValue - ulong.MaxValue % b;
        ulong x;
        do x = ((ulong)NextUInt32() << 32) | NextUInt32();
        while (x >= limit);
        return (long)(x % b);
    }

    /// <summary>True with probability <paramref name="p"/> (resolution 2^-32), one draw.</summary>
    public bool Chance(Probability p) => NextUInt32() < p.Threshold;

    /// <summary>One uniformly chosen element.</summary>
    public T Pick<T>(T[] items) => items[Next(items.Length)];

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>
/// A probability held as an integer threshold over 2^32, so a draw is one integer comparison and
/// the decision never depends on floating-point rounding of the random number.
/// </summary>
public readonly record struct Probability(uint Threshold)
{
    /// <summary>Builds the threshold for <paramref name="p"/> in <c>[0, 1)</c>.</summary>
    public static Probability Of(double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(p, 1.0);
        return new Probability((uint)Math.Min(Math.Round(p * 4294967296.0), uint.MaxValue));
    }

    public double Value => Threshold / 4294967296.0;
}
