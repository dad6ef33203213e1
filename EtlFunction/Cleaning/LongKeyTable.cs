namespace EtlFunction.Cleaning;

/// <summary>
/// The int64 → int map behind dedupe, built for the one thing that makes a large file's preprocess
/// exceed its memory budget: the set of distinct keys. It is 256 independent open-addressing tables
/// (linear probing, 12 bytes a slot) chosen by the top byte of a mixed key; each grows by half
/// when it passes a load of 0.8, so:
/// <list type="bullet">
/// <item>the load stays between 0.53 and 0.8: 15 to 22.5 bytes per distinct key
/// (≤ 22.5 MB per million keys, plus at most one 12 KiB block of rounding per segment, 3 MiB),
/// where one table doubling at 0.7 used 17 to 34. (Growing by a quarter, 15 to 18.75 bytes a key,
/// made inserts 3-5× slower at 5,000,000 keys: every key is rehashed about five times.)</item>
/// <item>growing rehashes one 256th of the table at a time, so there is no moment when an old and a
/// new table are both alive (a single doubling table needs 1.5× its size while it grows);</item>
/// <item>slots live in fixed blocks of 1,024 that a growing segment takes from, and gives back to,
/// a free list: the garbage collector never sees a dead slot array. (Per-segment arrays measured
/// worse than one table, 329 MiB against 275 MiB at 5,000,000 keys: each growth leaves a large
/// object behind that only a full collection frees.)</item>
/// </list>
/// <see cref="long.MinValue"/> marks an empty slot; the caller keeps that one key apart.
/// </summary>
internal sealed class LongKeyTable
{
    public const long Empty = long.MinValue;
    private const int SegmentBits = 8;
    private const int BlockBits = 10;
    private const int BlockSize = 1 << BlockBits;
    private readonly Segment[] _segments = new Segment[1 << SegmentBits];
    private readonly Stack<Block> _free = new();

    public LongKeyTable()
    {
        for (var i = 0; i < _segments.Length; i++) _segments[i] = new Segment(Take(1));
    }

    public long Count { get; private set; }

    /// <summary>Slots held, in use or free (12 bytes each): what the table costs.</summary>
    public long Capacity
    {
        get
        {
            long blocks = _free.Count;
            foreach (var s in _segments) blocks += s.Blocks.Length;
            return blocks * BlockSize;
        }
    }

    /// <summary>Adds <paramref name="key"/> (never <see cref="Empty"/>) with <paramref name="value"/>; when it was there, returns false and the previous value (replaced when <paramref name="replace"/>).</summary>
    public bool TryAdd(long key, int value, bool replace, out int previous)
    {
        var h = Mix(key);
        var segment = _segments[(int)(h >> (64 - SegmentBits))];
        var blocks = segment.Blocks;
        var slot = Home(h, blocks.Length);
        var b = slot >> BlockBits;
        var o = slot & (BlockSize - 1);
        var block = blocks[b];
        while (true)
        {
            var k = block.Keys[o];
            if (k == Empty) break;
            if (k == key)
            {
                previous = block.Values[o];
                if (replace) block.Values[o] = value;
                return false;
            }
            if (++o == BlockSize)
            {
                o = 0;
                if (++b == blocks.Length) b = 0;
                block = blocks[b];
            }
        }
        previous = 0;
        block.Keys[o] = key;
        block.Values[o] = value;
        Count++;
        // Load above 0.8: grow this segment only, by half (at least one block).
        if (++segment.Count * 5L > (long)blocks.Length * BlockSize * 4L) Grow(segment);
        return true;
    }

    /// <summary>Forgets every key; each segment keeps one block, the rest go to the free list for reuse.</summary>
    public void Clear()
    {
        foreach (var segment in _segments)
        {
            var blocks = segment.Blocks;
            for (var i = 1; i < blocks.Length; i++) _free.Push(blocks[i]);
            blocks[0].Keys.AsSpan().Fill(Empty);
            if (blocks.Length > 1) segment.Blocks = [blocks[0]];
            segment.Count = 0;
        }
        Count = 0;
    }

    private void Grow(Segment segment)
    {
        var old = segment.Blocks;
        var blocks = Take(Math.Max(old.Length + 1, old.Length + (old.Length >> 1)));
        foreach (var from in old)
        {
            for (var j = 0; j < BlockSize; j++)
            {
                var k = from.Keys[j];
                if (k == Empty) continue;
                var slot = Home(Mix(k), blocks.Length);
                var b = slot >> BlockBits;
                var o = slot & (BlockSize - 1);
                while (blocks[b].Keys[o] != Empty)
                {
                    if (++o == BlockSize)
                    {
                        o = 0;
                        if (++b == blocks.Length) b = 0;
                    }
                }
                blocks[b].Keys[o] = k;
                blocks[b].Values[o] = from.Values[j];
            }
        }
        segment.Blocks = blocks;
        foreach (var block in old) _free.Push(block);
    }

    private Block[] Take(int n)
    {
        var blocks = new Block[n];
        for (var i = 0; i < n; i++)
        {
            if (_free.TryPop(out var block)) block.Keys.AsSpan().Fill(Empty);
            else block = new Block();
            blocks[i] = block;
        }
        return blocks;
    }

    // Fibonacci hashing, as the single table before: the top byte of key × 2^64/φ picks the segment, the
    // next 32 bits the slot. Sequential and strided ids (the usual primary keys) land evenly spaced with
    // almost no probing; a full mix (splitmix64) measured 2-3× slower on 5,000,000 sequential ids and no
    // faster on random ones.
    private static ulong Mix(long key) => (ulong)key * 0x9E3779B97F4A7C15UL;

    // Lemire's multiply-shift maps 32 mixed bits onto the segment's slots without a power-of-two size.
    private static int Home(ulong h, int blocks) => (int)((((h >> 24) & 0xFFFFFFFFUL) * ((ulong)blocks << BlockBits)) >> 32);

    private sealed class Segment(Block[] blocks)
    {
        public Block[] Blocks = blocks;
        public int Count;
    }

    /// <summary>1,024 slots: 12 KiB, below the large-object threshold, allocated once and recycled.</summary>
    private sealed class Block
    {
        public readonly long[] Keys = NewKeys();
        public readonly int[] Values = new int[BlockSize];

        private static long[] NewKeys()
        {
            var a = new long[BlockSize];
            a.AsSpan().Fill(Empty);
            return a;
        }
    }
}
