using System.Text.Json;
using EtlFunction.Database;
using EtlFunction.Steps;

namespace EtlFunction.Tests.Unit.Steps;

/// <summary>The load's schema changes travel in the run state through Step Functions' Parallel state to finalize.</summary>
public class SchemaChangesStateTests
{
    [Test]
    public void ParseState_ParallelOutputWithSchemaChanges_KeepsTheLoadBranchsChanges()
    {
        var source = new ObjectRef("landing", "people/p.csv");
        var load = new RunState
        {
            RunId = "r", Dataset = "people", Source = source, RowsLoaded = 2, AlreadyLoaded = false,
            SchemaChanges = [new SchemaChange("people", "email", "string", "LONGTEXT")],
        };
        var archive = new RunState { RunId = "r", Dataset = "people", Source = source, Archive = [new ArchiveRef("archive", "k", "2024-01-01", 2)] };
        // The Parallel state's output: an array of the two branches' states.
        var json = $"[{JsonSerializer.Serialize(archive, Json.Context.RunState)},{JsonSerializer.Serialize(load, Json.Context.RunState)}]";

        var merged = StepEvents.ParseState(json);

        Assert.That(json, Does.Contain("\"schemaChanges\":[{\"table\":\"people\",\"column\":\"email\",\"type\":\"string\",\"declared\":\"LONGTEXT\",\"change\":\"add_column\"}]"));
        Assert.That(merged.SchemaChanges, Is.EqualTo(new[] { new SchemaChange("people", "email", "string", "LONGTEXT") }));
        Assert.That(merged.Archive, Has.Count.EqualTo(1));
    }
}
