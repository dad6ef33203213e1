using System.Globalization;

namespace EtlFunction.Tests.Integration.Faults;

/// <summary>
/// One trial of the campaign: the fault it injects, drawn from a seeded <see cref="Random"/> so a failing trial
/// can be replayed (same seed, same trial number, same fault); the kind goes round the kinds in turn. A proxy fault falls on a byte offset below the
/// clean run's traffic to that service (so it always lands somewhere in a real exchange); a kill falls on one
/// of the single path's Task states, a time below that state's clean call duration (so mostly mid-call).
/// </summary>
internal sealed record FaultTrial(int Number, string Kind, FaultPlan? S3, FaultPlan? MySql, string? KillState, int KillAfterMs)
{
    public static readonly string[] Kinds = ["cut-s3", "stall-s3", "cut-mysql", "stall-mysql", "kill"];

    /// <summary>The single path's Task states a kill may hit.</summary>
    public static readonly string[] KillStates = ["Plan", "Preprocess", "Load", "Archive", "Finalize"];

    /// <summary>The trial <paramref name="number"/> of the campaign seeded <paramref name="seed"/>, given the clean run's figures.</summary>
    public static FaultTrial Draw(int seed, int number, long s3Bytes, long mysqlBytes, IReadOnlyDictionary<string, long> cleanCallMs, IReadOnlyList<string>? kinds = null)
    {
        kinds ??= Kinds;
        // Not HashCode.Combine: it is randomized per process, and a trial must replay from its seed and number.
        var rng = new Random(unchecked((seed * 7919) + number) & int.MaxValue);
        // Kinds in turn (a seed-dependent rotation), the rest drawn: even the 10 CI trials cover every kind twice.
        var kind = kinds[(int)(unchecked((uint)(number + seed)) % (uint)kinds.Count)];
        FaultPlan Plan(long traffic, bool stall) => stall
            ? new FaultPlan(FaultKind.Stall, rng.NextInt64(traffic), TimeSpan.FromMilliseconds(rng.Next(500, 3001)))
            : new FaultPlan(rng.Next(2) == 0 ? FaultKind.Reset : FaultKind.Close, rng.NextInt64(traffic));
        switch (kind)
        {
            case "cut-s3": return new(number, kind, Plan(s3Bytes, stall: false), null, null, 0);
            case "stall-s3": return new(number, kind, Plan(s3Bytes, stall: true), null, null, 0);
            case "cut-mysql": return new(number, kind, null, Plan(mysqlBytes, stall: false), null, 0);
            case "stall-mysql": return new(number, kind, null, Plan(mysqlBytes, stall: true), null, 0);
            default:
                var state = KillStates[rng.Next(KillStates.Length)];
                var ms = (int)Math.Max(1, cleanCallMs.GetValueOrDefault(state, 200));
                return new(number, kind, null, null, state, rng.Next(ms));
        }
    }

    /// <summary>The options for run.cjs.</summary>
    public string[] DriverOptions => KillState is null ? [] : ["--kill-once", $"{KillState}:{KillAfterMs}"];

    public override string ToString()
    {
        var plan = S3 ?? MySql;
        var what = plan is null
            ? $"SIGKILL {KillState} after {KillAfterMs} ms"
            : plan.Kind == FaultKind.Stall
                ? $"stall {plan.Stall.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms at byte {plan.AtByte:N0}"
                : $"{plan.Kind.ToString().ToLowerInvariant()} at byte {plan.AtByte:N0}";
        return $"trial {Number} {Kind}: {what}";
    }
}
