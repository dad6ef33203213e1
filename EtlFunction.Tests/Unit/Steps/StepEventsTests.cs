using EtlFunction.Errors;
using EtlFunction.Steps;

namespace EtlFunction.Tests.Unit.Steps;

public class StepEventsTests
{
    [Test]
    public void ParsePreprocess_EventBridgeObjectCreated_TakesBucketAndKey()
    {
        const string evt = """
            {"version":"0","detail-type":"Object Created","source":"aws.s3",
             "detail":{"bucket":{"name":"landing-bucket"},"object":{"key":"orders/2024/01/orders.csv","size":10,"etag":"abc"}}}
            """;
        var input = StepEvents.ParsePreprocess(evt);
        Assert.That(input, Is.EqualTo(new PreprocessInput("landing-bucket", "orders/2024/01/orders.csv")));
        Assert.That(RunIds.DatasetOf(input.Key), Is.EqualTo("orders"));
    }

    [Test]
    public void ParsePreprocess_Garbage_IsInvalidInput()
    {
        Assert.That(Assert.Throws<EtlException>(() => StepEvents.ParsePreprocess("{nope"))!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(Assert.Throws<EtlException>(() => StepEvents.ParsePreprocess("{\"a\":1}"))!.Type, Is.EqualTo(ErrorType.InvalidInput));
    }

    [Test]
    public void ParseState_ParallelBranchArray_MergesLoadAndArchive()
    {
        var src = new ObjectRef("l", "d/x.csv");
        var load = new RunState { RunId = "r", Dataset = "d", Source = src, RowsLoaded = 5, Timings = new() { ["load"] = 1 } };
        var archive = new RunState { RunId = "r", Dataset = "d", Source = src, Archive = [new ArchiveRef("a", "k", "2024-01-01", 5)], Timings = new() { ["archive"] = 2 } };
        var json = $"[{System.Text.Json.JsonSerializer.Serialize(archive, Json.Context.RunState)},{System.Text.Json.JsonSerializer.Serialize(load, Json.Context.RunState)}]";
        var merged = StepEvents.ParseState(json);
        Assert.That(merged.RowsLoaded, Is.EqualTo(5));
        Assert.That(merged.Archive, Has.Count.EqualTo(1));
        Assert.That(merged.Timings.Keys, Is.EquivalentTo(new[] { "load", "archive" }));
    }

    [Test]
    public void RunId_SameObjectSameId_ChangedObjectNewId()
    {
        Assert.That(RunIds.For("b", "k", "\"etag1\""), Is.EqualTo(RunIds.For("b", "k", "etag1")));
        Assert.That(RunIds.For("b", "k", "etag1"), Is.Not.EqualTo(RunIds.For("b", "k", "etag2")));
    }
}
