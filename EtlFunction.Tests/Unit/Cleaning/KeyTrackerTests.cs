using EtlFunction.Cleaning;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>
/// The dedupe key table: every key found again with its value, whatever the key pattern, and the
/// memory bound the README and the 5,000,000-row test rely on (≤ 22.5 bytes a distinct key).
/// </summary>
public class KeyTrackerTests
{
    private static IEnumerable<long> Sequential(int n) => Enumerable.Range(0, n).Select(i => 1_000_001L + i);

    private static IEnumerable<long> Strided(int n) => Enumerable.Range(0, n).Select(i => (long)i << 20);

    private static IEnumerable<long> Random(int n)
    {
        var r = new Random(7);
        return Enumerable.Range(0, n).Select(_ => r.NextInt64(long.MinValue, long.MaxValue));
    }

    [TestCase("sequential")]
    [TestCase("strided")]
    [TestCase("random")]
    public void TryAdd_MillionKeysTwice_SecondPassFindsEveryKeyWithItsValue(string pattern)
    {
        var keys = (pattern switch { "sequential" => Sequential(1_000_000), "strided" => Strided(1_000_000), _ => Random(1_000_000) }).ToArray();
        var distinct = keys.Distinct().Count();
        var table = new LongKeyTable();
        var fresh = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (table.TryAdd(keys[i], i, replace: false, out _)) fresh++;
        }
        Assert.That(fresh, Is.EqualTo(distinct));
        Assert.That(table.Count, Is.EqualTo(distinct));

        var firstIndex = new Dictionary<long, int>();
        for (var i = 0; i < keys.Length; i++) firstIndex.TryAdd(keys[i], i);
        var wrong = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (table.TryAdd(keys[i], -1, replace: false, out var previous) || previous != firstIndex[keys[i]]) wrong++;
        }
        Assert.That(wrong, Is.Zero);
        Assert.That(table.Count, Is.EqualTo(distinct));
    }

    [Test]
    public void TryAdd_ReplaceTrue_ReturnsPreviousAndKeepsTheNewValue()
    {
        var table = new LongKeyTable();
        Assert.That(table.TryAdd(42, 1, replace: true, out _), Is.True);
        Assert.That(table.TryAdd(42, 2, replace: true, out var first), Is.False);
        Assert.That(first, Is.EqualTo(1));
        Assert.That(table.TryAdd(42, 3, replace: false, out var second), Is.False);
        Assert.That(second, Is.EqualTo(2));
        Assert.That(table.TryAdd(42, 4, replace: false, out var third), Is.False);
        Assert.That(third, Is.EqualTo(2), "replace: false keeps the stored value");
    }

    [TestCase(300_000)]
    [TestCase(1_000_000)]
    [TestCase(3_000_000)]
    public void Capacity_ManyDistinctKeys_AtMost23BytesPerKeyPlusOneBlockPerSegment(int n)
    {
        var table = new LongKeyTable();
        foreach (var k in Sequential(n)) table.TryAdd(k, 0, replace: false, out _);
        var bytesPerKey = table.Capacity * 12.0 / table.Count;
        TestContext.Out.WriteLine($"{n:N0} keys: {table.Capacity:N0} slots, {bytesPerKey:F2} bytes a key");
        // 22.5 at the worst load (0.53) and the free list (one segment's blocks), plus the rounding
        // up to whole blocks: at most one 12 KiB block in each of the 256 segments (3 MiB).
        Assert.That(table.Capacity * 12.0, Is.LessThanOrEqualTo(23.0 * table.Count + 256 * 12 * 1024));
        if (n >= 1_000_000) Assert.That(bytesPerKey, Is.LessThanOrEqualTo(23.0));
    }

    [Test]
    public void TryAdd_MinValueKey_TrackedApartFromTheTable()
    {
        var tracker = new KeyTracker();
        Assert.That(tracker.TryAdd(long.MinValue, 5, replace: true, out _), Is.True);
        Assert.That(tracker.TryAdd(0L, 6, replace: true, out _), Is.True);
        Assert.That(tracker.TryAdd(long.MinValue, 7, replace: true, out var previous), Is.False);
        Assert.That(previous, Is.EqualTo(5));
        Assert.That(tracker.TryAdd("a", 1, replace: false, out _), Is.True);
        Assert.That(tracker.Count, Is.EqualTo(3));
    }
}
