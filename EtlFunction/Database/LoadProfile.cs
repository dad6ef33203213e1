using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EtlFunction.Database;

/// <summary>
/// Phase timestamps of one load, for finding what the loader adds over a plain <c>LOAD DATA</c> (issue #13):
/// with <c>ETL_LOAD_PROFILE=1</c> each phase's end is noted, in milliseconds since the process started, and the
/// whole list goes to stderr as one <c>load profile:</c> line when the load ends. Off, a mark costs one branch.
/// It is a diagnostic that writes nothing the pipeline reads, so it reads its variable itself.
/// </summary>
internal static class LoadProfile
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("ETL_LOAD_PROFILE") == "1";
    private static readonly List<(string Phase, double Ms)> Marks = [];
    private static readonly Lock Gate = new();

    /// <summary>Notes that <paramref name="phase"/> ended now.</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var ms = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        lock (Gate) Marks.Add((phase, ms));
    }

    /// <summary>Writes the phases noted so far to stderr and forgets them.</summary>
    public static void Flush()
    {
        if (!Enabled) return;
        var line = new StringBuilder("load profile:");
        lock (Gate)
        {
            foreach (var (phase, ms) in Marks) line.Append(CultureInfo.InvariantCulture, $" {phase}={ms:F0}");
            Marks.Clear();
        }
        Console.Error.WriteLine(line.ToString());
    }
}
