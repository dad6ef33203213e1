namespace EtlFunction.Cleaning;

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
        : this(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), withRecord, leaveOpen: false)
    {
    }

    /// <summary>A key log written to <paramref name="output"/> (an object being uploaded, in the Distributed Map).</summary>
    public KeyLog(Stream output, bool withRecord, bool leaveOpen)
    {
        _writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen);
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

    /// <summary>Writes out what is buffered (before the caller commits the stream it gave).</summary>
    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();

    /// <summary>One logged row.</summary>
    internal readonly record struct Entry(long Line, long LongKey, string? StringKey, string? Record);

    /// <summary>Replays a key log written with the same key kind.</summary>
    internal static IEnumerable<Entry> Read(Stream input, bool keyIsLong, bool withRecord)
    {
        // BinaryReader reads exactly what each field needs, so the line (read here to see the end) and
        // the fields after it come from the same buffered stream in order.
        using var buffered = new BufferedStream(input, 1 << 16);
        using var r = new BinaryReader(buffered);
        var first = new byte[sizeof(long)];
        while (true)
        {
            var n = buffered.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
            if (n == 0) yield break;
            if (n < first.Length) throw new InvalidDataException("a key log ends in the middle of an entry");
            var line = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(first);
            long lk = 0;
            string? sk = null;
            if (keyIsLong) lk = r.ReadInt64();
            else sk = r.ReadString();
            var record = withRecord ? r.ReadString() : null;
            yield return new Entry(line, lk, sk, record);
        }
    }
}
