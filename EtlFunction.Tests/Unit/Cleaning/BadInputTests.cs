using System.IO.Compression;
using System.Text;
using EtlFunction.Errors;
using static EtlFunction.Tests.Unit.Cleaning.CleanHarness;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>Each kind of bad input: a clear message, and nothing lost (every row is written, filtered, rejected or deduplicated).</summary>
public class BadInputTests
{
    [Test]
    public void Clean_EmptyFile_FailsWithInvalidInput()
    {
        var e = Assert.Throws<EtlException>(() => Clean(People, ""));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("empty"));
    }

    [Test]
    public void Clean_HeaderOnly_SucceedsWithNoRows()
    {
        var o = Clean(People, "id,name,score\n");
        Assert.That(o.Result.RowsRead, Is.Zero);
        Assert.That(o.ProcessedLines, Is.EqualTo(new[] { "id,name,score" }));
        Assert.That(o.RejectLines, Is.EqualTo(new[] { "line,column,reason,record" }));
    }

    [Test]
    public void Clean_DuplicateHeaderUsedByContract_FailsNamingPositions()
    {
        var e = Assert.Throws<EtlException>(() => Clean(People, "id,name,name,score\n1,a,b,2\n"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("'name' appears 2 times (positions 2, 3)"));
    }

    [Test]
    public void Clean_BlankHeaderName_FailsNamingItsPosition()
    {
        var e = Assert.Throws<EtlException>(() => Clean(People, "id,,name,score\n1,x,a,2\n"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("blank header at position 2"));
    }

    [Test]
    public void Clean_HeaderMissingContractColumns_FailsNamingThem()
    {
        var e = Assert.Throws<EtlException>(() => Clean(People, "id,nom\n1,a\n"));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.ContractViolation));
        Assert.That(e.Message, Does.Contain("missing columns: name, score"));
        Assert.That(e.Message, Does.Contain("unknown columns: 'nom'"));
    }

    [Test]
    public void Clean_UnknownColumnsIgnored_WhenContractSaysSo()
    {
        var o = Clean(People + "\nunknown_columns: ignore\n", "extra,id,name,score\nx,1,a,2.5\n");
        Assert.That(o.ProcessedLines[1], Is.EqualTo("1,a,2.50"));
    }

    [Test]
    public void Clean_TooManyOrTooFewFields_RejectsWithLineAndReason()
    {
        var o = Clean(People, "id,name,score\n1,a,2\n2,b\n3,c,4,5\n4,d,6\n");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(2));
        Assert.That(o.Result.RowsWritten, Is.EqualTo(2));
        Assert.That(o.RejectLines[1], Is.EqualTo("3,(row),\"expected 3 fields, found 2\",\"2,b\""));
        Assert.That(o.RejectLines[2], Is.EqualTo("4,(row),\"expected 3 fields, found 4\",\"3,c,4,5\""));
    }

    [Test]
    public void Clean_UnterminatedQuoteAtEndOfFile_RejectsTheRecord()
    {
        var o = Clean(People, "id,name,score\n1,a,2\n2,\"never closed,3\n3,c,4\n");
        Assert.That(o.Result.RowsRead, Is.EqualTo(2));
        Assert.That(o.Result.RowsWritten, Is.EqualTo(1));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Rejects, Does.Contain("unterminated quoted field"));
        Assert.That(o.Rejects, Does.Contain("3,c,4"), "the swallowed text is kept in the reject record");
    }

    [Test]
    public void Clean_InvalidUtf8_RejectsOnlyThatRow()
    {
        var bytes = Encoding.UTF8.GetBytes("id,name,score\n1,ok,1\n2,bad\u0001,2\n3,fine,3\n");
        var i = Array.IndexOf(bytes, (byte)1);
        bytes[i] = 0xC3; // a lead byte followed by ',' is invalid UTF-8
        var o = Clean(Contract(People), bytes);
        Assert.That(o.Result.RowsWritten, Is.EqualTo(2));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Result.InvalidUtf8Sequences, Is.EqualTo(1));
        Assert.That(o.RejectLines[1], Does.StartWith("3,(row),invalid UTF-8"));
    }

    [Test]
    public void Clean_FieldOverOneMiB_RejectsWithReason()
    {
        var big = new string('x', (1 << 20) + 1);
        var o = Clean(People, $"id,name,score\n1,{big},2\n2,b,3\n");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Result.RowsWritten, Is.EqualTo(1));
        Assert.That(o.Rejects, Does.Contain("over the limit of 1,048,576"));
        Assert.That(o.Rejects, Does.Contain(big), "the raw record is kept whole");
    }

    [Test]
    public void Clean_NullTokens_BecomeNullOrRejectWhenRequired()
    {
        var o = Clean(People, "id,name,score\n1,N/A,null\n2,NaN,NaN\nnull,c,1\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,,", "2,," }));
        Assert.That(o.RejectLines[1], Does.StartWith("4,id,value is required"));
    }

    [Test]
    public void Clean_ThousandsSeparators_RejectedUnlessDeclared()
    {
        var o = Clean(People, "id,name,score\n1,a,\"1,234.50\"\n");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Rejects, Does.Contain("thousands separators need thousands_separator"));

        var declared = People.Replace("    type: decimal(6,2)", "    type: decimal(6,2)\n    thousands_separator: \",\"");
        var ok = Clean(declared, "id,name,score\n1,a,\"1,234.50\"\n2,b,\"12,34\"\n");
        Assert.That(ok.ProcessedLines[1], Is.EqualTo("1,a,1234.50"));
        Assert.That(ok.Result.RowsRejected, Is.EqualTo(1), "a misplaced separator is still rejected");
    }

    [Test]
    public void Clean_DatesInSeveralFormats_ParsedInOrderAndImpossibleDatesRejected()
    {
        const string contract = """
            dataset: d
            columns:
              - name: id
                type: int32
              - name: day
                type: date
                formats: [yyyy-MM-dd, MM/dd/yyyy, d.M.yyyy]
            """;
        var o = Clean(contract, "id,day\n1,2024-02-29\n2,03/15/2024\n3,7.1.2024\n4,2023-02-30\n5,2023/05/05\n6,15/03/2024\n");
        Assert.That(o.ProcessedLines.Skip(1), Is.EqualTo(new[] { "1,2024-02-29", "2,2024-03-15", "3,2024-01-07" }));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(3));
        Assert.That(o.Rejects, Does.Contain("'2023-02-30' is not a valid date in format yyyy-MM-dd or MM/dd/yyyy or d.M.yyyy"));
    }

    [Test]
    public void Clean_BinaryFile_FailsWithInvalidInput()
    {
        var bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D };
        var e = Assert.Throws<EtlException>(() => Clean(Contract(People), bytes));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain("not text"));
    }

    [Test]
    public void Clean_GzipBomAndCrlf_ReadLikePlainText()
    {
        var text = "\uFEFFid,name,score\r\n1,a,2\r\n2,\"multi\r\nline\",3\r\n";
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Encoding.UTF8.GetBytes(text));
        var o = Clean(Contract(People), gz.ToArray());
        Assert.That(o.Processed, Is.EqualTo("id,name,score\n1,a,2.00\n2,\"multi\r\nline\",3.00\n"));
    }

    [Test]
    public void Clean_MalformedQuotes_RejectedNotGuessed()
    {
        var o = Clean(People, "id,name,score\n1,\"ab\"cd,2\n2,b,3\n");
        Assert.That(o.Result.RowsRejected, Is.EqualTo(1));
        Assert.That(o.Rejects, Does.Contain("malformed quoted field"));
    }

    [Test]
    public void Clean_BlankLines_SkippedAndCountedNotRows()
    {
        var o = Clean(People, "id,name,score\n1,a,2\n\n2,b,3\n");
        Assert.That(o.Result.RowsRead, Is.EqualTo(2));
        Assert.That(o.Result.BlankLines, Is.EqualTo(1));
    }
}
