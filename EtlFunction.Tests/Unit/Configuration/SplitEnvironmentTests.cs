using EtlFunction.Configuration;
using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Tests.Unit.Configuration;

/// <summary>The plan step's defaults come from the host's environment (the step reads none): units, precedence, mistakes.</summary>
public class SplitEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void Read_NothingSet_IsTheBuiltInDefaults() =>
        Assert.That(SplitEnvironment.Read(Env()), Is.EqualTo(SplitSettings.Default));

    [Test]
    public void Read_MegabytesAreMiB_AndBytesWin()
    {
        var s = SplitEnvironment.Read(Env(("ETL_PIECE_MB", "64"), ("ETL_SPLIT_THRESHOLD_MB", "512"), ("ETL_SPLIT_THRESHOLD_BYTES", "0"), ("ETL_MAP_MAX_CONCURRENCY", "3")));
        Assert.That(s, Is.EqualTo(new SplitSettings(64L << 20, 0, 3)));
    }

    [Test]
    public void Read_EmptyIsUnset() =>
        Assert.That(SplitEnvironment.Read(Env(("ETL_PIECE_BYTES", ""), ("ETL_PIECE_MB", "2"))).ChunkSize, Is.EqualTo(2L << 20));

    [TestCase("ETL_PIECE_MB", "lots")]
    [TestCase("ETL_PIECE_BYTES", "0")]
    [TestCase("ETL_MAP_MAX_CONCURRENCY", "-1")]
    [TestCase("ETL_SPLIT_THRESHOLD_MB", "99999999999999999")]
    public void Read_AMistake_IsAnInternalErrorNamingTheVariable(string name, string value)
    {
        var e = Assert.Throws<EtlException>(() => SplitEnvironment.Read(Env((name, value))));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InternalError));
        Assert.That(e.Message, Does.Contain(name));
    }

    [Test]
    public void PlanInput_EventValuesWin_OverTheHostDefaults()
    {
        var defaults = new SplitSettings(100, 200, 4);
        var fromDefaults = PlanInput.Parse("""{"bucket":"b","key":"k.csv"}""", defaults);
        var fromEvent = PlanInput.Parse("""{"bucket":"b","key":"k.csv","chunkSize":7,"splitThreshold":0,"maxConcurrency":2}""", defaults);
        Assert.That((fromDefaults.ChunkSize, fromDefaults.SplitThreshold, fromDefaults.MaxConcurrency), Is.EqualTo((100L, 200L, 4)));
        Assert.That((fromEvent.ChunkSize, fromEvent.SplitThreshold, fromEvent.MaxConcurrency), Is.EqualTo((7L, 0L, 2)));
    }
}
