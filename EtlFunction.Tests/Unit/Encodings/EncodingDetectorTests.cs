using System.Text;
using EtlFunction.Cleaning;
using EtlFunction.Encodings;

namespace EtlFunction.Tests.Unit.Encodings;

public class EncodingDetectorTests
{
    private static readonly Encoding Cp1252 = new Windows1252Encoding();

    private static EncodingDetection Detect(byte[] bytes, bool atEnd = true) => EncodingDetector.Detect(bytes, atEnd);

    [Test]
    public void Detect_Ascii_IsUtf8()
    {
        var d = Detect("id,name\n1,a\n"u8.ToArray());
        Assert.That(d.Encoding, Is.EqualTo("utf-8"));
        Assert.That(d.Reason, Is.EqualTo("the whole file is ASCII: read as utf-8"));
    }

    [Test]
    public void Detect_ValidUtf8WithAccents_IsUtf8()
    {
        var d = Detect(Encoding.UTF8.GetBytes("id,name\n1,Zoë “quoted” €\n"));
        Assert.That(d.Encoding, Is.EqualTo("utf-8"));
        Assert.That(d.Reason, Is.EqualTo("the whole file is valid UTF-8"));
    }

    [TestCase(new byte[] { 0xEF, 0xBB, 0xBF, 0x61, 0x0A }, "utf-8", "UTF-8 byte order mark (EF BB BF), skipped")]
    [TestCase(new byte[] { 0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00 }, "utf-16le", "UTF-16 LE byte order mark (FF FE), skipped")]
    [TestCase(new byte[] { 0xFE, 0xFF, 0x00, 0x61, 0x00, 0x0A }, "utf-16be", "UTF-16 BE byte order mark (FE FF), skipped")]
    public void Detect_ByteOrderMark_Decides(byte[] bytes, string encoding, string reason)
    {
        var d = Detect(bytes);
        Assert.That((d.Encoding, d.Reason), Is.EqualTo((encoding, reason)));
    }

    [Test]
    public void Detect_Windows1252Text_IsWindows1252WithTheOffset()
    {
        var bytes = Cp1252.GetBytes("id,name\n1,Café “Crème” 5 €\n");
        var d = Detect(bytes);
        Assert.That(d.Encoding, Is.EqualTo("windows-1252"));
        Assert.That(d.Reason, Is.EqualTo("bytes are not valid UTF-8 at offset 13; decoded as windows-1252"), "0xE9 (é) at offset 13 is followed by a space, no continuation byte");
    }

    [Test]
    public void Detect_NotUtf8AndAnUndefinedWindows1252Byte_StaysUtf8()
    {
        byte[] bytes = [.. "id,name\n1,caf"u8, 0xE9, 0x0A, .. "2,x"u8, 0x81, 0x0A];
        var d = Detect(bytes);
        Assert.That(d.Encoding, Is.EqualTo("utf-8"));
        Assert.That(d.Reason, Is.EqualTo("bytes are not valid UTF-8 at offset 13, and byte 0x81 at offset 18 is undefined in windows-1252: kept utf-8; a run rejects the rows with invalid bytes"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Detect_SequenceCutByTheHeadsEnd_IsStillUtf8(int cut)
    {
        // A 4-byte sequence (😀 F0 9F 98 80) cut after 1, 2 or 3 bytes by the 1 MiB boundary: its rest is beyond the head.
        var head = new byte[EncodingDetector.HeadBytes];
        head.AsSpan().Fill((byte)'a');
        byte[] emoji = [0xF0, 0x9F, 0x98, 0x80];
        emoji.AsSpan(0, cut).CopyTo(head.AsSpan(head.Length - cut));
        var d = Detect(head, atEnd: false);
        Assert.That(d.Encoding, Is.EqualTo("utf-8"));
        Assert.That(d.Reason, Is.EqualTo("the first 1 MiB is valid UTF-8"));
        // The same bytes as the whole file end inside a sequence: not UTF-8.
        Assert.That(EncodingDetector.FirstInvalidUtf8(head, atEnd: true), Is.EqualTo(head.Length - cut));
    }

    [Test]
    public void Detect_InvalidByteJustBeforeTheHeadsEnd_IsNotForgiven()
    {
        var head = new byte[EncodingDetector.HeadBytes];
        head.AsSpan().Fill((byte)'a');
        head[^2] = 0xE2; // a 3-byte lead followed by 'a': invalid whatever comes after the head
        var d = Detect(head, atEnd: false);
        Assert.That(d.Encoding, Is.EqualTo("windows-1252"));
        Assert.That(d.Reason, Does.Contain($"at offset {head.Length - 2:N0}"));
    }

    [Test]
    public void InputDecoder_Detecting_ReadsTheHeadOnceAndReplaysIt()
    {
        // Non-UTF-8 only after 1 MiB: the head decides UTF-8, and the later byte is counted, not re-detected.
        var ascii = new string('x', EncodingDetector.HeadBytes + 10);
        byte[] bytes = [.. Encoding.ASCII.GetBytes("h\n" + ascii + "\n"), .. Cp1252.GetBytes("é\n€\n")];
        using var counting = new CountingReadsStream(new MemoryStream(bytes));
        using var input = new InputDecoder(counting, encoding: null);
        var text = input.Reader.ReadToEnd();
        Assert.That(input.Encoding, Is.EqualTo("utf-8"));
        Assert.That(input.Detection!.Reason, Is.EqualTo("the first 1 MiB is ASCII: read as utf-8"));
        Assert.That(text, Is.EqualTo("h\n" + ascii + "\n\uFFFD\n\uFFFD\n"));
        Assert.That(input.InvalidSequences, Is.EqualTo(2));
        Assert.That(counting.BytesRead, Is.EqualTo(bytes.Length), "every byte read exactly once");
    }

    [Test]
    public void InputDecoder_Detecting_DecodesWindows1252Exactly()
    {
        const string text = "id,name\n1,Café “Crème” – 5 €\n2,Œuvre Š ž Ÿ ™\n";
        using var input = new InputDecoder(new MemoryStream(Cp1252.GetBytes(text)), encoding: null);
        Assert.That(input.Reader.ReadToEnd(), Is.EqualTo(text));
        Assert.That(input.Encoding, Is.EqualTo("windows-1252"));
        Assert.That(input.InvalidSequences, Is.Zero);
    }

    /// <summary>Counts the bytes handed out, to prove the head is not read twice.</summary>
    private sealed class CountingReadsStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
