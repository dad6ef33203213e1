namespace EtlFunction.Contracts.Inference;

/// <summary>
/// A reader that first returns text already taken from another reader, then the rest of it. The
/// delimiter is detected from the first lines, but a <see cref="TextReader"/> cannot rewind and the
/// input may be a network stream, so the lines read for detection are replayed to the CSV parser.
/// The inner reader belongs to the caller and is not disposed.
/// </summary>
internal sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
{
    private int _pos;

    public override int Peek() => _pos < prefix.Length ? prefix[_pos] : rest.Peek();

    public override int Read() => _pos < prefix.Length ? prefix[_pos++] : rest.Read();

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_pos >= prefix.Length) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, prefix.Length - _pos);
        prefix.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
}
