using System.Text;
using EtlFunction.Contracts;
using EtlFunction.Errors;
using EtlFunction.ProcessedCsv;
using EtlFunction.Values;

namespace EtlFunction.Tests.Unit.ProcessedCsv;

public class CanonicalCsvTests
{
    private static readonly DatasetContract AllTypes = ContractLoader.Parse("""
        dataset: d
        columns:
          - {name: i, type: int32}
          - {name: m, type: "decimal(18,4)"}
          - {name: f, type: double}
          - {name: b, type: bool}
          - {name: d, type: date}
          - {name: t, type: timestamp}
          - {name: s, type: string}
        """, "t");

    [Test]
    public void WriteThenRead_AllTypesAndNulls_RoundTrip()
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            w.WriteHeader(AllTypes.Columns.Select(c => c.Name));
            w.WriteInt64(-5); w.WriteDecimal(-123456789012345678, 4); w.WriteDouble(0.1); w.WriteBool(true);
            w.WriteDate(new DateOnly(1900, 3, 1).DayNumber); w.WriteTimestamp(-1); w.WriteString("a \"q\",\nz");
            w.EndRow();
            for (var i = 0; i < 6; i++) w.WriteNull();
            w.WriteString("");
            w.EndRow();
            w.Flush();
        }
        var text = Encoding.UTF8.GetString(ms.ToArray());
        Assert.That(text, Is.EqualTo("i,m,f,b,d,t,s\n-5,-12345678901234.5678,0.1,true,1900-03-01,1969-12-31 23:59:59.999999,\"a \"\"q\"\",\nz\"\n,,,,,,\"\"\n"));

        ms.Position = 0;
        using var r = new CanonicalCsvReader(ms, AllTypes);
        Assert.That(r.Read(), Is.True);
        Assert.That(r.GetInt64(0), Is.EqualTo(-5));
        Assert.That(r.GetInt64(1), Is.EqualTo(-123456789012345678));
        Assert.That(r.GetDouble(2), Is.EqualTo(0.1));
        Assert.That(r.GetInt64(3), Is.EqualTo(1));
        Assert.That(r.GetInt64(4), Is.EqualTo(new DateOnly(1900, 3, 1).DayNumber));
        Assert.That(r.GetInt64(5), Is.EqualTo(-1));
        Assert.That(r.GetString(6), Is.EqualTo("a \"q\",\nz"));
        Assert.That(r.Read(), Is.True);
        Assert.That(Enumerable.Range(0, 6).All(r.IsNull), Is.True);
        Assert.That(r.IsNull(6), Is.False);
        Assert.That(r.GetString(6), Is.Empty);
        Assert.That(r.Read(), Is.False);
    }

    [Test]
    public void GetChars_QuotedAndPlainStrings_SameCharsAsGetString()
    {
        var contract = ContractLoader.Parse("""
            dataset: d
            columns:
              - {name: a, type: string}
              - {name: b, type: string}
              - {name: c, type: string}
            """, "t");
        var text = "a,b,c\n\"\"\"x\"\"\",plain,\"\"\"\"\"\"\"\"\n\"long \"\"" + new string('q', 600) + "\"\" end\",,\"\"\n";
        using var r = new CanonicalCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), contract);

        Assert.That(r.Read(), Is.True);
        Assert.That(r.GetChars(0).ToString(), Is.EqualTo("\"x\""));
        Assert.That(r.GetChars(1).ToString(), Is.EqualTo("plain"));
        Assert.That(r.GetChars(2).ToString(), Is.EqualTo("\"\"\""));
        Assert.That(r.Read(), Is.True);
        Assert.That(r.GetChars(0).ToString(), Is.EqualTo("long \"" + new string('q', 600) + "\" end"));
        Assert.That(r.GetString(0), Is.EqualTo(r.GetChars(0).ToString()));
        Assert.That(r.IsNull(1), Is.True);
        Assert.Throws<InvalidOperationException>(() => r.GetChars(1));
        Assert.That(r.GetChars(2).IsEmpty, Is.True);
    }

    [TestCase("0001-01-01", "0001-01-01 00:00:00")]
    [TestCase("2024-02-29", "2024-02-29 23:59:59.000001")]
    [TestCase("9999-12-31", "9999-12-31 23:59:59.999999")]
    [TestCase("1969-12-31", "1969-12-31 00:00:00.5")]
    [TestCase("1970-01-01", "1970-01-01T00:00:00Z")]
    [TestCase("1970-01-01", "1970-01-01 01:00:00+01:00")]
    public void Read_DatesAndTimestamps_SameValuesAsGeneralParser(string date, string timestamp)
    {
        var contract = ContractLoader.Parse("""
            dataset: d
            columns:
              - {name: d, type: date}
              - {name: t, type: timestamp}
            """, "t");
        using var r = new CanonicalCsvReader(new MemoryStream(Encoding.UTF8.GetBytes($"d,t\n{date},{timestamp}\n")), contract);

        Assert.That(r.Read(), Is.True);
        Assert.That(ValueParser.TryParseDate(date, ValueParser.DefaultDateFormats, out var day), Is.True);
        Assert.That(ValueParser.TryParseTimestamp(timestamp, ValueParser.DefaultTimestampFormats, out var micros), Is.True);
        Assert.That(r.GetInt64(0), Is.EqualTo(day));
        Assert.That(r.GetInt64(1), Is.EqualTo(micros));
    }

    [TestCase("2023-02-29,2023-01-01 00:00:00")]
    [TestCase("0000-01-01,2023-01-01 00:00:00")]
    [TestCase("2023-01-01,2023-01-01 24:00:00")]
    [TestCase("2023-01-01,2023-02-30 00:00:00")]
    [TestCase("2023-01-01,2023-01-01 00:00:00.12345a")]
    public void Read_ImpossibleDateOrTimestamp_FailsAsInvalidInput(string line)
    {
        var contract = ContractLoader.Parse("""
            dataset: d
            columns:
              - {name: d, type: date}
              - {name: t, type: timestamp}
            """, "t");
        using var r = new CanonicalCsvReader(new MemoryStream(Encoding.UTF8.GetBytes($"d,t\n{line}\n")), contract);

        var e = Assert.Throws<EtlException>(() => r.Read());
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
    }

    [Test]
    public void DiscardRow_DropsOnlyTheUnfinishedRow()
    {
        using var ms = new MemoryStream();
        using (var w = new CanonicalCsvWriter(ms))
        {
            w.WriteInt64(1);
            w.EndRow();
            w.WriteInt64(2);
            w.DiscardRow();
            w.WriteInt64(3);
            w.EndRow();
            w.Flush();
        }
        Assert.That(Encoding.UTF8.GetString(ms.ToArray()), Is.EqualTo("1\n3\n"));
    }

    [Test]
    public void Read_HeaderNotMatchingContract_FailsAsInvalidInput()
    {
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes("x,y\n1,2\n"));
        var e = Assert.Throws<EtlException>(() => new CanonicalCsvReader(ms, AllTypes).Dispose());
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
    }

    [Test]
    public void Read_NonCanonicalValue_FailsNamingRowAndColumn()
    {
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes("i,m,f,b,d,t,s\n1,2.5,1,yes,2024-01-01,2024-01-01 00:00:00,x\n"));
        using var r = new CanonicalCsvReader(ms, AllTypes);
        var e = Assert.Throws<EtlException>(() => r.Read());
        Assert.That(e!.Message, Does.Contain("row 1 column b: 'yes' is not a canonical bool"));
    }
}
