using System.IO.Compression;
using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Contracts.Inference;
using static EtlFunction.Tests.Unit.Contracts.InferenceAssert;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>Inference of everything that is not a column type: delimiter, BOM, header names, keys, bad rows, the YAML round trip.</summary>
public sealed class ContractInferrerFileTests
{
    [TestCase(',')]
    [TestCase(';')]
    [TestCase('\t')]
    [TestCase('|')]
    public void Infer_DetectsDelimiter(char d)
    {
        var csv = $"id{d}name{d}price\n1{d}\"a{d}b\"{d}1.5\n2{d}c{d}2\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.Delimiter, Is.EqualTo(d));
            Assert.That(r.Contract.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "name", "price" }));
            Assert.That(r.RowsSkipped, Is.Zero);
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_Delimiter_MustAgreeWithTheNextLines()
    {
        // The header alone splits best on ',' (3 fields), but the data lines only agree with ';'.
        const string csv = "Price, EUR, net;Qty\n1,5;2\n2,25;3\n";
        Assert.Multiple(() =>
        {
            Assert.That(ContractInferrer.InferDelimiter("Price, EUR, net;Qty"), Is.EqualTo(','));
            Assert.That(Infer(csv).Contract.Delimiter, Is.EqualTo(';'));
            Assert.That(ContractInferrer.InferDelimiter("a;b;c|d"), Is.EqualTo(';'), "most fields");
            Assert.That(ContractInferrer.InferDelimiter("a;b|c,d"), Is.EqualTo(','), "ties go to , ; tab |");
            Assert.That(ContractInferrer.InferDelimiter("\"a,b\";c"), Is.EqualTo(';'), "a delimiter inside quotes does not count");
            Assert.That(ContractInferrer.InferDelimiter("single"), Is.EqualTo(','));
        });
    }

    [Test]
    public void Infer_Utf8Bom_IsSkipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id;Größe\n1;2\n")).ToArray();
        var gzipped = new MemoryStream();
        using (var gz = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
        var fromStream = ContractInferrer.Infer(new MemoryStream(bytes), "t");
        var fromGzip = ContractInferrer.Infer(new MemoryStream(gzipped.ToArray()), "t");
        var fromText = Infer("\uFEFFid;Größe\n1;2\n");
        foreach (var r in new[] { fromStream, fromGzip, fromText })
        {
            Assert.That(r.Contract.Columns.Select(c => (c.Name, c.Source)), Is.EqualTo(new[] { ("id", "id"), ("grosse", "Größe") }));
            Assert.That(r.Contract.Delimiter, Is.EqualTo(';'));
        }
    }

    [Test]
    public void Infer_HostileHeaders_BecomeSafeNamesAndKeepTheirText()
    {
        var long300 = new string('x', 300);
        string[] headers = ["First Name", "Price $", "e-mail!", "Größe", "名前", "select", "order", long300, "123abc", "userID", " padded ", "say \"\"hi\"\"\\"];
        var csv = string.Join(",", headers.Select((h, i) => i == headers.Length - 1 ? $"\"{h}\"" : h)) + "\n" + string.Join(",", headers.Select(_ => "1")) + "\n";
        var r = Infer(csv);
        var names = r.Contract.Columns.Select(c => c.Name).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EqualTo(new[]
            {
                "first_name", "price", "e_mail", "grosse", "column_5", "select_", "order_", new string('x', 60), "c_123abc", "user_id", "padded", "say_hi",
            }));
            Assert.That(names.All(Identifiers.IsSafe), Is.True);
            Assert.That(r.Contract.Columns.Select(c => c.Source).Take(11), Is.EqualTo(headers.Take(11)), "source keeps the exact header text");
            Assert.That(r.Contract.Columns[^1].Source, Is.EqualTo("say \"hi\"\\"), "quotes unescaped like any CSV field");
            Assert.That(r.Note("column_5"), Does.Contain("no ASCII letters or digits"));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_DuplicateAndBlankHeaders_GetUniqueNamesAndRoundTrip()
    {
        const string csv = "a,a,,b,a, \nx,1,2,3,4,5\ny,2,,4,z,\n";
        var r = Infer(csv);
        var yaml = ContractWriter.ToYaml(r.Contract, comments: true, r.Notes);
        var loaded = ContractLoader.Parse(yaml, "inferred.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.Columns.Select(c => c.Name), Is.EqualTo(new[] { "a", "a_2", "column_3", "b", "a_3", "column_6" }));
            Assert.That(r.Contract.Columns.Select(c => c.Source), Is.EqualTo(new[] { "a", "a", "", "b", "a", " " }));
            Assert.That(r.Note("a_2"), Does.Contain("appears 3 times (positions 1, 2, 5); this column is occurrence 2"));
            Assert.That(r.Note("column_3"), Does.Contain("blank header at position 3"));
            Assert.That(loaded.Columns.Select(c => (c.Name, c.Source)), Is.EqualTo(r.Contract.Columns.Select(c => (c.Name, c.Source))));
            Assert.That(r.Contract.Columns.Select(c => c.Type.Kind), Is.EqualTo(new[] { TypeKind.String, TypeKind.Int32, TypeKind.Int32, TypeKind.Int32, TypeKind.String, TypeKind.Int32 }));
        });
        // The cleaner binds the repeated 'a' by position: were a_2 and a_3 swapped, 'z' would be rejected as an int.
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_UniqueNonNullId_BecomesPrimaryKey()
    {
        var r = Infer("id,name\n3,a\n1,b\n2,c\n");
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.PrimaryKey, Is.EqualTo(new[] { "id" }));
            Assert.That(r.Contract.LoadMode, Is.EqualTo(LoadMode.Upsert));
            Assert.That(r.Contract.Dedupe, Is.EqualTo(DedupePolicy.KeepLast));
            Assert.That(r.Column("id").Nullable, Is.False);
            Assert.That(r.Note("id"), Does.Contain("primary key"));
        });
    }

    [TestCase("orders", "order_id")]
    [TestCase("orders", "orders_id")]
    [TestCase("users", "ID")]
    [TestCase("users", "UUID")]
    public void Infer_TableIdColumn_BecomesPrimaryKey(string dataset, string header)
    {
        var r = Infer($"{header},x\nk1,1\nk2,1\n", dataset);
        Assert.That(r.Contract.PrimaryKey, header == "UUID" ? Is.Empty : Has.Count.EqualTo(1));
    }

    [TestCase("id\n1\n2\n1\n", "duplicate values (first repeat \"1\" (line 4))")]
    [TestCase("id\n1\nNULL\n3\n", "1 null")]
    [TestCase("id\nab\nAb\nab\n", "duplicate values")]
    [TestCase("id\n2023-01-01\n2023-01-02\n", "typed date")]
    public void Infer_KeyNamedButNotAKey_NoPrimaryKey(string csv, string why)
    {
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.PrimaryKey, Is.Empty);
            Assert.That(r.Contract.LoadMode, Is.EqualTo(LoadMode.Append));
            Assert.That(r.Contract.Dedupe, Is.EqualTo(DedupePolicy.None));
            Assert.That(r.Note("id"), Does.Contain(why));
        });
    }

    [Test]
    public void Infer_KeyTrackingLimit_GivesUpWithoutKey()
    {
        var csv = "id\n" + string.Concat(Enumerable.Range(1, 20).Select(i => $"{i}\n"));
        var r = Infer(csv, options: new InferenceOptions { MaxTrackedKeys = 10 });
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.PrimaryKey, Is.Empty);
            Assert.That(r.Note("id"), Does.Contain("more than 10 values, uniqueness not checked"));
        });
    }

    [Test]
    public void Infer_UniqueColumnNotNamedLikeAKey_IsNoPrimaryKey()
    {
        var r = Infer("customer_id,x\n1,a\n2,b\n", "orders");
        Assert.Multiple(() =>
        {
            Assert.That(r.Contract.PrimaryKey, Is.Empty);
            Assert.That(r.Notes[ContractWriter.FileNoteKey], Does.Contain("no column is named id or orders_id"));
        });
    }

    [Test]
    public void Infer_RowsWithWrongFieldCount_AreIgnoredAndCounted()
    {
        var csv = "a,b\n1,2\n3\nx,y,z\n4,5\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.RowsScanned, Is.EqualTo(4));
            Assert.That(r.RowsSkipped, Is.EqualTo(2));
            Assert.That(r.Column("a").Type, Is.EqualTo(ColumnType.Int32), "the bad rows' values do not count");
            Assert.That(r.Notes[ContractWriter.FileNoteKey], Does.Contain("2 rows with a field count other than the header's 2 ignored for inference (first: 1 fields at line 3)"));
        });
    }

    [Test]
    public void Infer_QuotedNewlinesAndDelimiters_StayInOneField()
    {
        var csv = "id,note,n\n1,\"a,b\nc \"\"d\"\"\",5\n2,plain,6\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.RowsSkipped, Is.Zero);
            Assert.That(r.Column("n").Type, Is.EqualTo(ColumnType.Int32));
            Assert.That(r.Column("note").Type, Is.EqualTo(ColumnType.String));
        });
    }

    [TestCase("/data/landing/orders.csv.gz", "orders")]
    [TestCase("My Orders 2024.CSV", "my_orders_2024")]
    [TestCase("sales.2024-01.csv", "sales_2024_01")]
    [TestCase("名前.csv", "dataset")]
    public void Infer_DatasetName_FromFileName(string path, string expected) =>
        Assert.That(ContractInferrer.DatasetName(path), Is.EqualTo(expected));

    [Test]
    public void Infer_File_DefaultsDatasetToFileName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"infer-{Guid.NewGuid():N}.Daily Sales.csv");
        File.WriteAllText(path, "id,amount\n1,2.50\n");
        try
        {
            var r = ContractInferrer.InferFile(path);
            Assert.That(r.Contract.Dataset, Does.EndWith("daily_sales"));
            Assert.That(ContractInferrer.Infer(new StringReader("a\n1\n"), "Not Safe!").Contract.Dataset, Is.EqualTo("not_safe"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Infer_YamlRoundTrip_LoadsAnEquivalentContract()
    {
        var csv = "id,Name,\"Größe \"\"cm\"\"\",price,born,seen at,vip,zip,a,a,\n"
            + "1,\"Smith, J\",180,12.50,2001-02-03,2023-01-01T10:00:00Z,yes,00501,x,y,\n"
            + "2,名前,175,-0.5,03/25/1999,2023-01-02 11:00:00,no,10001,,z,q\n";
        var r = Infer(csv, "people");
        var yaml = ContractWriter.ToYaml(r.Contract, comments: true, r.Notes);
        var loaded = ContractLoader.Parse(yaml, "people.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(ContractWriter.ToYaml(loaded, comments: false), Is.EqualTo(ContractWriter.ToYaml(r.Contract, comments: false)));
            Assert.That(loaded.Fingerprint, Is.EqualTo(r.Contract.Fingerprint));
            Assert.That(loaded.Columns.Select(c => (c.Name, c.Source, c.Type, c.Nullable)),
                Is.EqualTo(r.Contract.Columns.Select(c => (c.Name, c.Source, c.Type, c.Nullable))));
            Assert.That(loaded.Columns.Select(c => c.Formats), Is.EqualTo(r.Contract.Columns.Select(c => c.Formats)));
            Assert.That(loaded.PrimaryKey, Is.EqualTo(new[] { "id" }));
            Assert.That(loaded.LoadMode, Is.EqualTo(LoadMode.Upsert));
            Assert.That(yaml, Does.Contain("# inferred from 2 data rows x 11 columns"));
            Assert.That(r.Contract.Columns.Select(c => c.Type.ToString()), Is.EqualTo(new[]
            {
                "int32", "string", "int32", "decimal(4,2)", "date", "timestamp", "bool", "string", "string", "string", "string",
            }));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_YamlRoundTrip_SurvivesControlAndLineSeparatorCharacters()
    {
        string[] headers = ["a\u2028b", "c\u0001d", "e\u0085f", "g\uFFFEh", "k\uD83D\uDE00l"];
        var csv = string.Join(",", headers.Select(h => $"\"{h}\"")) + "\n\"x\u2029y\",1,2,3,4\n";
        var r = Infer(csv);
        var loaded = ContractLoader.Parse(ContractWriter.ToYaml(r.Contract, comments: true, r.Notes), "x.yaml");
        Assert.That(loaded.Columns.Select(c => c.Source), Is.EqualTo(headers));
    }
}
