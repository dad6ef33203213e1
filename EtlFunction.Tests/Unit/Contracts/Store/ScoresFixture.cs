using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Store;
using EtlFunction.Database;
using EtlFunction.Steps;
using EtlFunction.Storage;
using Microsoft.Data.Sqlite;

namespace EtlFunction.Tests.Unit.Contracts.Store;

/// <summary>
/// A dataset whose contract's one check decides which rows load: <c>score</c> at most 100 (v1) or at most 50
/// (v2). The same file loads 3 rows under v1 and 2 under v2 (score 70 rejected), so the data shows which
/// contract a run used. A folder store, a SQLite database, an image-style contracts folder and a contract store.
/// </summary>
internal sealed class ScoresFixture : IDisposable
{
    public const string V1 = "dataset: scores\ncolumns:\n  - {name: id, type: int32, nullable: false}\n  - {name: score, type: int32, checks: {min: 0, max: 100}}\nprimary_key: [id]\nload: {mode: upsert}\n";
    public static readonly string V2 = V1.Replace("max: 100", "max: 50", StringComparison.Ordinal);
    public const string Csv = "id,score\n1,10\n2,70\n3,40\n";

    public ScoresFixture()
    {
        Root = Directory.CreateTempSubdirectory("etl-contract-store-").FullName;
        Directory.CreateDirectory(ImageFolder);
        Directory.CreateDirectory(Path.Combine(Root, "store", "landing", "scores"));
    }

    public string Root { get; }
    public string ImageFolder => Path.Combine(Root, "image-contracts");
    public string DbPath => Path.Combine(Root, "etl.db");
    public FolderObjectStore Store => new(Path.Combine(Root, "store"));

    public void Land(string name, string csv = Csv) => File.WriteAllText(Path.Combine(Root, "store", "landing", "scores", name), csv);

    public void ImageContract(string yaml) => File.WriteAllText(Path.Combine(ImageFolder, "scores.yaml"), yaml);

    public StepContext Context(IContractStore? contractStore)
    {
        IContractSource folder = new FolderContractSource([ImageFolder]);
        return new StepContext
        {
            Store = Store,
            Buckets = Buckets.Local,
            Contracts = contractStore is null ? folder : new StoreContractSource(contractStore, folder),
            Loader = () => new SqliteTableLoader(DbPath),
        };
    }

    public static Task<RunState> RunAsync(StepContext ctx, string name) => LocalPipeline.RunAsync(ctx, new PreprocessInput("landing", "scores/" + name));

    public List<string> Query(string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    public List<string> Table() => Query("SELECT id, score FROM scores ORDER BY id");

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
