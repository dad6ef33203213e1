using System.Text;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>
/// What the cleaner asks the garbage collector for, as distinct from what it touches: each worker's
/// row formatter once rented a 1 GiB buffer (a flush threshold of int.MaxValue / 2 that it never
/// reaches). Resident memory did not show it, but the GC counted 2 GiB of large objects, and under a
/// container memory limit (the GC's heap hard limit, 75% of the limit by default) the process died
/// with "Out of memory." on a 1,000-row file.
/// </summary>
public class CleanerAllocationTests
{
    [Test]
    public void Clean_SmallFile_AllocatesLessThan64MiB()
    {
        var csv = new StringBuilder("id,name,score\n");
        for (var i = 0; i < 1000; i++) csv.Append(i).Append(",name ").Append(i).Append(",1.5\n");
        CleanHarness.Clean(CleanHarness.People, "id,name,score\n1,a,1\n"); // warm up: JIT and static tables
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var o = CleanHarness.Clean(CleanHarness.People, csv.ToString());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(o.Result.RowsWritten, Is.EqualTo(1000));
        Assert.That(allocated, Is.LessThan(64L << 20), $"{allocated:N0} bytes allocated");
    }
}
