using System.Globalization;

namespace EtlFunction.Cli;

/// <summary>
/// Peak resident memory of this process per phase, on Linux: writing <c>5</c> to
/// <c>/proc/self/clear_refs</c> resets the high-water mark (VmHWM), so each step's peak can be read
/// on its own. Elsewhere it falls back to the process-lifetime peak.
/// </summary>
public static class PeakMemory
{
    /// <summary>When set, the CLI writes its peak RSS (bytes) to this file on exit: how <c>bench</c> measures child processes.</summary>
    public const string ReportFileVariable = "ETL_PEAK_RSS_FILE";

    public static void ReportIfAsked()
    {
        if (Environment.GetEnvironmentVariable(ReportFileVariable) is { Length: > 0 } path)
        {
            File.WriteAllText(path, Peak().ToString(CultureInfo.InvariantCulture));
        }
    }

    public static void Reset()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux or not allowed: the peak below is then the process-lifetime peak.
        }
    }

    /// <summary>Peak resident set size in bytes since the last <see cref="Reset"/>.</summary>
    public static long Peak()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return Environment.WorkingSet;
    }
}
