using EtlFunction.Cleaning;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>
/// The spilled keep_last dedupe supersedes exactly the rows an in-memory map would: every earlier
/// occurrence of a key, whatever file its key hashes to, and leaves no file behind.
/// </summary>
public class KeySpillTests
{
    [TestCase(1_000, 10)]
    [TestCase(400_000, 150_000)] // more than 64 KiB of records per partition: the files are written and read back
    public void Resolve_KeysWithDuplicates_SupersedesExactlyTheEarlierOccurrences(int rows, int keyRange)
    {
        var r = new Random(5);
        var keys = Enumerable.Range(0, rows).Select(i => i % 97 == 0 ? long.MinValue : r.NextInt64(-keyRange, keyRange) * 1_000_003).ToArray();
        var expected = new HashSet<int>();
        var last = new Dictionary<long, int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (last.TryGetValue(keys[i], out var previous)) expected.Add(previous);
            last[keys[i]] = i;
        }

        var superseded = new OrdinalSet();
        long distinct, dropped;
        string[] before = Directory.GetDirectories(Path.GetTempPath(), "etl-keys-*");
        using (var spill = new KeySpill())
        {
            for (var i = 0; i < keys.Length; i++) spill.Add(keys[i], i);
            (distinct, dropped) = spill.Resolve(superseded, CancellationToken.None);
        }
        Assert.That(distinct, Is.EqualTo(last.Count));
        Assert.That(dropped, Is.EqualTo(expected.Count));
        Assert.That(superseded.Count, Is.EqualTo(expected.Count));
        Assert.That(Enumerable.Range(0, rows).Count(i => superseded.Contains(i) != expected.Contains(i)), Is.Zero);
        Assert.That(Directory.GetDirectories(Path.GetTempPath(), "etl-keys-*"), Is.EquivalentTo(before));
    }

    [Test]
    public void Clear_AfterManyKeys_TableIsEmptyAndReusable()
    {
        var tracker = new KeyTracker();
        for (var i = 0; i < 200_000; i++) tracker.TryAdd(i, i, replace: false, out _);
        tracker.Clear();
        Assert.That(tracker.Count, Is.Zero);
        Assert.That(tracker.TryAdd(5, 1, replace: false, out _), Is.True, "a key of before the clear is new again");
        Assert.That(tracker.TryAdd(5, 2, replace: false, out var previous), Is.False);
        Assert.That(previous, Is.EqualTo(1));
    }
}
