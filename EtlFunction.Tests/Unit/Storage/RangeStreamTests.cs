using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

/// <summary>A ranged read that comes back short fails (and is retried) instead of passing a short piece on.</summary>
public class RangeStreamTests
{
    [Test]
    public void Read_SourceEndsBeforeTheRange_TransientError()
    {
        using var s = new RangeStream(new MemoryStream(new byte[100]), 150);
        var buffer = new byte[1000];
        var e = Assert.Throws<EtlException>(() => s.ReadAtLeast(buffer, 150))!;
        Assert.That(e.Type, Is.EqualTo(ErrorType.TransientError));
        Assert.That(e.Message, Does.Contain("50 bytes before the end of its range"));
    }

    [Test]
    public void Read_SourceLongerThanTheRange_StopsAtTheRange()
    {
        using var s = new RangeStream(new MemoryStream(new byte[100]), 60);
        using var o = new MemoryStream();
        s.CopyTo(o);
        Assert.That(o.Length, Is.EqualTo(60));
    }
}
