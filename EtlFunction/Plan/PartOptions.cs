using EtlFunction.Cleaning;

namespace EtlFunction.Plan;

/// <summary>
/// How a <see cref="CsvCleaner"/> runs one piece of a split file: line numbers shifted to the
/// source file's, its own worker count (the pieces already use the cores), no binary sniff (the
/// split run sniffs the file's start once, as the whole-file path does), and — instead of
/// deduplicating — every written row's key logged for the merge, which alone sees all pieces.
/// </summary>
internal sealed record PartOptions(long LineOffset, int Workers, bool SniffBinary, KeyLog? Keys);

/// <summary>
/// The keys of the rows a piece wrote, in output order, with their source lines (and, for dedupe
/// <c>reject</c>, the raw record for the rejects file): a compact binary file on local disk that the
/// merge replays in piece order to make the dedupe decisions of the whole-file path.
/// </summary>
internal sealed class KeyLog : IDisposable
{
    private readonly BinaryWriter _writer;
    private readonly bool _withRecord;

    public KeyLog(string path, bool withRecord)
    {
        _writer = new BinaryWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
        _withRecord = withRecord;
    }

    public long Count { get; private set; }

    internal void Add(RowOutcome o, bool keyIsLong)
    {
        _writer.Write(o.Line);
        if (keyIsLong) _writer.Write(o.LongKey);
        else _writer.Write(o.StringKey!);
        if (_withRecord) _writer.Write(o.Record ?? "");
        Count++;
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>One logged row.</summary>
    internal readonly record struct Entry(long Line, long LongKey, string? StringKey, string? Record);

    /// <summary>Replays a key log written with the same key kind.</summary>
    internal static IEnumerable<Entry> Read(string path, bool keyIsLong, bool withRecord)
    {
        using var r = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        var length = r.BaseStream.Length;
        while (r.BaseStream.Position < length)
        {
            var line = r.ReadInt64();
            long lk = 0;
            string? sk = null;
            if (keyIsLong) lk = r.ReadInt64();
            else sk = r.ReadString();
            var record = withRecord ? r.ReadString() : null;
            yield return new Entry(line, lk, sk, record);
        }
    }
}
