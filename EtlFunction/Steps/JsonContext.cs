using System.Text.Json;
using System.Text.Json.Serialization;
using EtlFunction.Cleaning;
using EtlFunction.Cli;

namespace EtlFunction.Steps;

/// <summary>
/// The source-generated JSON metadata for every document the project reads or writes: run state, step
/// events and results, manifests, quarantine records, part lists, CLI summaries and log fields.
/// <para>
/// <b>Every serialized type is listed here.</b> Native AOT has no reflection-based serializer: a type that is
/// not listed cannot be (de)serialized, and the trim/AOT analyzers (on in every build, see EtlFunction.csproj)
/// fail the build on any <c>JsonSerializer</c> call that does not take a <c>JsonTypeInfo</c>. To serialize a
/// new type: add a <c>[JsonSerializable(typeof(T))]</c> line below (a named record, not an anonymous type) and
/// pass <c>Json.Context.T</c> (or <c>Json.IndentedContext.T</c>) to <c>JsonSerializer</c>. Types reachable from a
/// listed type (e.g. <see cref="ObjectRef"/> from <see cref="RunState"/>) are covered by their root.
/// </para>
/// The options are <see cref="Json"/>'s (web defaults: camelCase names, case-insensitive reading; nulls left out;
/// enums as camelCase strings); <see cref="Json.Context"/> is the instance to use.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
// Run state and the step events / results (Lambda payloads).
[JsonSerializable(typeof(RunState))]
[JsonSerializable(typeof(PreprocessInput))]
[JsonSerializable(typeof(PlanResult))]
[JsonSerializable(typeof(PieceInput))]
[JsonSerializable(typeof(PieceResult))]
[JsonSerializable(typeof(MergeInput))]
[JsonSerializable(typeof(ObjectRef))]
// Documents in the buckets: split-run parts and piece counts, archive lists, manifests, quarantine records.
[JsonSerializable(typeof(CleanResult))]
[JsonSerializable(typeof(PartList))]
[JsonSerializable(typeof(List<ArchiveRef>))]
[JsonSerializable(typeof(RunManifest))]
[JsonSerializable(typeof(QuarantineRecord))]
[JsonSerializable(typeof(Dictionary<string, string>))]
// CLI output (--json) and structured log fields.
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(List<ContractChangeDocument>))]
[JsonSerializable(typeof(ContractPublishDocument))]
// Replay: quarantine's error.json as replay reads it (leniently), and the replayed marker.
[JsonSerializable(typeof(EtlFunction.Replay.QuarantineEntry.ErrorDocument))]
[JsonSerializable(typeof(EtlFunction.Replay.ReplayMarker))]
[JsonSerializable(typeof(GenerateSummary))]
[JsonSerializable(typeof(List<BenchSample>))]
[JsonSerializable(typeof(Dictionary<string, long?>))]
internal sealed partial class JsonContext : JsonSerializerContext;

/// <summary>The run manifest finalize writes beside the archive: the final run state and when it completed.</summary>
public sealed record RunManifest(int ManifestVersion, DateTimeOffset CompletedAt,
    IReadOnlyList<EtlFunction.Database.SchemaChange> SchemaChanges, RunState Run);

/// <summary>The <c>error.json</c> quarantine writes beside a failed source: what failed, where and why.</summary>
public sealed record QuarantineRecord(string RunId, QuarantineSource Source, string Error, string Cause,
    string? FailedState, string? ExecutionName, DateTimeOffset QuarantinedAt);

/// <summary>The quarantined source object as it was named in the event.</summary>
public sealed record QuarantineSource(string Bucket, string Key, string? Etag);
