using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlFunction.Parquet;
using EtlFunction.Tests.Integration.Lambda;
using EtlFunction.Tests.Integration.StateMachine;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// The same object through the whole state machine twice — every Task in the published binary, then every Task
/// in the container image — gives the same data: the table row for row, the rejects file byte for byte, the
/// Parquet schema and values, and the manifest (less what names the run's own buckets, run id, database and
/// clock). StateMachineInImageTests checks the image against fixed expectations; this checks it against the binary.
/// </summary>
[NonParallelizable]
public class BinaryAndImageAgreeTests
{
    [TestCase("titanic", false, Description = "the clean-file path: Plan → Preprocess → Load ∥ Archive → Finalize")]
    [TestCase("orders", true, Description = "the Distributed Map path: Plan → CleanPiece × n → Merge → LoadParts ∥ ArchivePart × n → Finalize")]
    public async Task StateMachine_BinaryThenImage_SameTableRejectsParquetAndManifest(string dataset, bool split)
    {
        _ = ImageUnderTest.Name; // no image: ignored (fail under CI) before the binary's run
        var key = $"{dataset}/{dataset}.csv";
        var sample = Path.Combine(RepoPaths.Samples, dataset + ".csv");
        string[] options = split ? ["--env", "ETL_SPLIT_THRESHOLD_BYTES=0", "--env", "ETL_PIECE_BYTES=65536", "--env", "ETL_MAP_MAX_CONCURRENCY=3"] : [];

        await using var binary = await StateMachineHarness.StartAsync("agree-bin", FunctionForm.PublishedBinary);
        var a = await binary.RunAsync(binary.ObjectCreated(key, await binary.UploadAsync(key, sample)), options);
        await using var image = await StateMachineHarness.StartAsync("agree-img", FunctionForm.Image);
        var b = await image.RunAsync(image.ObjectCreated(key, await image.UploadAsync(key, sample)), options);

        Assert.That(a.Status, Is.EqualTo("SUCCEEDED"), a.ToString());
        Assert.That(b.Status, Is.EqualTo("SUCCEEDED"), b.ToString());
        Assert.That(b.States, Is.EqualTo(a.States), "the same path through the definition");
        Assert.That(a.States.Contains("CleanPieces"), Is.EqualTo(split));
        var (x, y) = (a.Output, b.Output);
        var table = x.GetProperty("table").GetString()!;
        Assert.That(y.GetProperty("table").GetString(), Is.EqualTo(table));

        var rowsA = Dump(binary, table);
        Assert.That(rowsA, Has.Count.EqualTo(x.GetProperty("rowsWritten").GetInt64()));
        Assert.That(Dump(image, table), Is.EqualTo(rowsA), "the table, row for row");
        Assert.That(image.Services.Db.Count("SELECT rows_loaded FROM `_etl_ledger`"), Is.EqualTo(binary.Services.Db.Count("SELECT rows_loaded FROM `_etl_ledger`")), "the ledger");

        Assert.That(await Bytes(image, y.GetProperty("rejects")), Is.EqualTo(await Bytes(binary, x.GetProperty("rejects"))), "the rejects file");

        var manifestA = await Manifest(binary, x);
        var manifestB = await Manifest(image, y);
        var filesA = manifestA["run"]!["archive"]!.AsArray();
        var filesB = manifestB["run"]!["archive"]!.AsArray();
        Assert.That(filesB, Has.Count.EqualTo(filesA.Count));
        for (var i = 0; i < filesA.Count; i++)
        {
            var pa = ParquetReadBack.Read(await Bytes(binary, filesA[i]!));
            var pb = ParquetReadBack.Read(await Bytes(image, filesB[i]!));
            Assert.That(pb.Columns, Is.EqualTo(pa.Columns), $"Parquet file {i}: schema");
            Assert.That(pb.RowGroupRows, Is.EqualTo(pa.RowGroupRows), $"Parquet file {i}: row groups");
            foreach (var c in pa.Columns) Assert.That(pb.Values(c.Name), Is.EqualTo(pa.Values(c.Name)), $"Parquet file {i}: column {c.Name}");
        }
        Assert.That(Normalize(manifestB, image, y).ToJsonString(), Is.EqualTo(Normalize(manifestA, binary, x).ToJsonString()), "the manifest");
    }

    private static List<string> Dump(StateMachineHarness h, string table) =>
        [.. h.Services.Db.Query($"SELECT * FROM `{table}` ORDER BY 1")
            .Select(r => string.Join("|", r.Select(v => v is null ? "NULL" : Convert.ToString(v, CultureInfo.InvariantCulture))))];

    private static Task<byte[]> Bytes(StateMachineHarness h, JsonElement objectRef) =>
        h.Services.GetBytesAsync(objectRef.GetProperty("bucket").GetString()!, objectRef.GetProperty("key").GetString()!);

    private static Task<byte[]> Bytes(StateMachineHarness h, JsonNode objectRef) =>
        h.Services.GetBytesAsync((string)objectRef["bucket"]!, (string)objectRef["key"]!);

    private static async Task<JsonObject> Manifest(StateMachineHarness h, JsonElement output) =>
        JsonNode.Parse(await Bytes(h, output.GetProperty("manifest")))!.AsObject();

    /// <summary>
    /// The manifest with this execution's own names replaced (buckets, run id, database) and what depends on the
    /// clock or on those names dropped: times, timings, upload times and ETags (the rejects' bytes and the Parquet
    /// values are compared above; a part list's ETag hashes its keys, which hold the run id), and the contract's folder.
    /// </summary>
    private static JsonNode Normalize(JsonObject manifest, StateMachineHarness h, JsonElement output)
    {
        var text = manifest.ToJsonString()
            .Replace(h.Services.Landing.Name, "LANDING", StringComparison.Ordinal)
            .Replace(h.Services.Processed.Name, "PROCESSED", StringComparison.Ordinal)
            .Replace(h.Services.Archive.Name, "ARCHIVE", StringComparison.Ordinal)
            .Replace(h.Services.Db.Database, "DATABASE", StringComparison.Ordinal)
            .Replace(output.GetProperty("runId").GetString()!, "RUN", StringComparison.Ordinal);
        var node = JsonNode.Parse(text)!;
        Strip(node);
        return node;

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var name in new[] { "completedAt", "timings", "eTag", "lastModified" }) o.Remove(name);
                // The contract folder is the checkout's contracts/ for the binary and /var/task/contracts in the
                // image: the same file (its sha256 stays compared), at another path.
                if (o["contractSource"] is JsonObject source && source["location"]?.GetValue<string>() is { } location)
                {
                    source["location"] = Path.GetFileName(location);
                }
                foreach (var (_, child) in o) Strip(child);
            }
            else if (n is JsonArray arr)
            {
                foreach (var child in arr) Strip(child);
            }
        }
    }
}
