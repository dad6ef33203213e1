using static EtlFunction.Tests.Unit.Cleaning.CleanHarness;

namespace EtlFunction.Tests.Unit.Cleaning;

public class CsvCleanerTests
{
    [Test]
    public void Clean_KeepLast_KeepsLastOccurrenceInFileOrder()
    {
        var o = Clean(People, "id,name,score\n1,a,1\n2,b,2\n1,c,3\n3,d,4\n2,e,5\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,c,3.00", "3,d,4.00", "2,e,5.00" }));
        Assert.That(o.Result.RowsDeduplicated, Is.EqualTo(2));
        Assert.That(o.Result.RowsWritten, Is.EqualTo(3));
    }

    [Test]
    public void Clean_KeepLast_InvalidLaterDuplicateDoesNotSupersede()
    {
        var o = Clean(People, "id,name,score\n1,a,1\n1,b,notanumber\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,a,1.00" }));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Result.RowsDeduplicated, Is.Zero);
    }

    [Test]
    public void Clean_KeepLast_SupersededRowWithQuotedNewlinesIsDroppedWhole()
    {
        var o = Clean(People, "id,name,score\n1,\"two\nlines, \"\"q\"\"\",1\n2,b,2\n1,c,3\n");
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n2,b,2.00\n1,c,3.00\n"));
    }

    [Test]
    public void Clean_KeepFirst_KeepsFirstOccurrence()
    {
        var o = Clean(People.Replace("keep_last", "keep_first"), "id,name,score\n1,a,1\n1,b,2\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,a,1.00" }));
        Assert.That(o.Result.RowsDeduplicated, Is.EqualTo(1));
    }

    [Test]
    public void Clean_DedupeReject_DuplicateGoesToRejectsNamingFirstLine()
    {
        var o = Clean(People.Replace("keep_last", "reject"), "id,name,score\n1,a,1\n1,b,2\n");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.RejectLines[1], Is.EqualTo("3,(duplicate key),duplicate primary key (id) first seen on line 2,\"1,b,2\""));
    }

    [Test]
    public void Clean_CompositeStringKey_Deduplicates()
    {
        const string contract = """
            dataset: d
            columns:
              - {name: a, type: string}
              - {name: b, type: date}
              - {name: v, type: int32}
            primary_key: [a, b]
            """;
        var o = Clean(contract, "a,b,v\nx,2024-01-01,1\nx,2024-01-02,2\nx,2024-01-01,3\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "x,2024-01-02,2", "x,2024-01-01,3" }));
    }

    [Test]
    public void Clean_NullAndEmptyString_StayDistinct()
    {
        var o = Clean(People, "id,name,score\n1,,1\n2,\"\",2\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,,1.00", "2,\"\",2.00" }));
    }

    [Test]
    public void Clean_FilterDropsBeforeValidation_CountedAsFiltered()
    {
        const string contract = """
            dataset: d
            columns:
              - {name: id, type: int32}
              - {name: status, type: string}
              - {name: qty, type: int32, checks: {min: 1}}
            filters:
              - column: status
                keep: {in: [ok]}
            """;
        var o = Clean(contract, "id,status,qty\n1,ok,1\n2,test,-5\n3,ok,0\n");
        Assert.That(o.Result.RowsFiltered, Is.EqualTo(1), "row 2 is filtered, not rejected, although its qty is bad");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.RejectLines[1], Is.EqualTo("4,qty,0 is below the minimum 1,\"3,ok,0\""));
        Assert.That(o.Result.FilteredByColumn["status"], Is.EqualTo(1));
    }

    [Test]
    public void Clean_DropFilterOnNumber_UsesTypedValue()
    {
        const string contract = """
            dataset: d
            columns:
              - {name: survived, type: int32}
            filters:
              - column: survived
                keep: {equals: 1}
            """;
        var o = Clean(contract, "survived\n1\n0\n01\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1", "1" }));
        Assert.That(o.Result.RowsFiltered, Is.EqualTo(1));
    }

    [Test]
    public void Clean_Transforms_AppliedInOrder()
    {
        const string contract = """
            dataset: d
            columns:
              - name: email
                type: string
                transforms: [trim, lower]
              - name: code
                type: string
                transforms: [collapse_spaces, upper, {replace: {from: "-", to: ""}}]
              - name: city
                type: string
                transforms: [trim, {default: unknown}]
              - name: phone
                type: string
                transforms: [{regex_replace: {from: "[^0-9]", to: ""}}]
            """;
        var o = Clean(contract, "email,code,city,phone\n  A.B@X.COM ,ab  - cd,  ,(555) 123-4567\n");
        Assert.That(o.ProcessedLines[1], Is.EqualTo("a.b@x.com,AB  CD,unknown,5551234567"));
    }

    [Test]
    public void Clean_Checks_RejectWithReasons()
    {
        const string contract = """
            dataset: d
            columns:
              - {name: code, type: string, checks: {pattern: "[A-Z]{3}", max_length: 3}}
              - {name: size, type: string, checks: {in: [S, M, L]}}
              - {name: price, type: "decimal(8,2)", checks: {min: 0, max: 100}}
            """;
        var o = Clean(contract, "code,size,price\nABC,M,10\nabcd,XL,100.01\n");
        Assert.That(o.Result.RowsWritten, Is.EqualTo(1));
        var reject = o.RejectLines[1];
        Assert.That(reject, Does.Contain("code;size;price"));
        Assert.That(reject, Does.Contain("length 4 is over max_length 3"));
        Assert.That(reject, Does.Contain("'XL' is not one of [S, M, L]"));
        Assert.That(reject, Does.Contain("100.01 is above the maximum 100"));
    }

    [Test]
    public void Clean_AllTypes_WrittenInCanonicalForm()
    {
        const string contract = """
            dataset: d
            columns:
              - {name: i, type: int32}
              - {name: l, type: int64}
              - {name: m, type: "decimal(18,4)"}
              - {name: f, type: double}
              - {name: b, type: bool}
              - {name: d, type: date}
              - {name: t, type: timestamp}
              - {name: s, type: string}
            """;
        var o = Clean(contract,
            "i,l,m,f,b,d,t,s\n" +
            "+007,-9223372036854775808,-12.5,1e3,YES,1969-12-31,2024-01-02T03:04:05.123456+01:00,\"a,\"\"b\"\"\"\n");
        Assert.That(o.ProcessedLines[1], Is.EqualTo("7,-9223372036854775808,-12.5000,1000,true,1969-12-31,2024-01-02 02:04:05.123456,\"a,\"\"b\"\"\""));
    }

    [Test]
    public void Clean_Latin1Encoding_Decoded()
    {
        var contract = Contract(People + "\nencoding: latin1\n");
        var bytes = System.Text.Encoding.Latin1.GetBytes("id,name,score\n1,Müller,1\n");
        var o = Clean(contract, bytes);
        Assert.That(o.ProcessedLines[1], Is.EqualTo("1,Müller,1.00"));
    }

    [Test]
    public void Clean_SemicolonDelimiterAndRenamedSource_Mapped()
    {
        const string contract = """
            dataset: d
            delimiter: ";"
            columns:
              - {name: unit_price, source: "Unit Price ($)", type: "decimal(10,2)"}
            """;
        var o = Clean(contract, "Unit Price ($)\n\"3.5\"\n");
        Assert.That(o.Processed, Is.EqualTo("unit_price\n3.50\n"));
    }

    [Test]
    public void Clean_DecimalNeverRounds()
    {
        var o = Clean(People, "id,name,score\n1,a,1.005\n2,b,1.500\n3,c,12345.6\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "2,b,1.50" }));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(2));
    }
}
