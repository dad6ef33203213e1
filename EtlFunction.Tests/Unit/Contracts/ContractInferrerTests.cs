using EtlFunction.Contracts;
using static EtlFunction.Tests.Unit.Contracts.InferenceAssert;

namespace EtlFunction.Tests.Unit.Contracts;

/// <summary>Type inference: the narrowest type that every non-null value parses with, and nothing narrower.</summary>
public sealed class ContractInferrerTests
{
    [Test]
    public void Infer_LeadingZeroCodes_StayString()
    {
        var csv = "zip,code\n10001,7\n00501,007\n02134,12\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("zip").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Column("code").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("zip"), Does.Contain("leading zeros seen (\"00501\" (line 3))"));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_ZeroAloneAndZeroPointFive_AreNumbers()
    {
        var csv = "n,x\n0,0.5\n10,0\n-0,00.5\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("n").Type, Is.EqualTo(ColumnType.Int32));
            Assert.That(Infer("x\n0.5\n0\n-1.25\n").Column("x").Type, Is.EqualTo(ColumnType.Decimal(3, 2)));
            Assert.That(r.Column("x").Type, Is.EqualTo(ColumnType.String), "00.5 has a leading zero");
        });
    }

    [Test]
    public void Infer_OneNonNumericValue_MakesString()
    {
        var values = Enumerable.Range(1, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("abc").ToArray();
        var r = InferValues(values);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("v").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("v"), Does.Contain("not a number: \"abc\" (line 1,002), after 1,000 numbers"));
        });
    }

    [Test]
    public void Infer_ThousandsSeparators_StayStringWithNote()
    {
        var csv = "amount\n\"1,234\"\n17\n\"1,234,567.50\"\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("amount").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("amount"), Does.Contain("thousands separators seen (\"1,234\" (line 2))"));
            Assert.That(r.Note("amount"), Does.Contain("thousands_separator"));
        });
    }

    [TestCase("2147483647", "-2147483648", TypeKind.Int32)]
    [TestCase("2147483648", "1", TypeKind.Int64)]
    [TestCase("-2147483649", "1", TypeKind.Int64)]
    [TestCase("9223372036854775807", "-9223372036854775808", TypeKind.Int64)]
    public void Infer_Int32Int64Boundary(string a, string b, TypeKind expected)
    {
        var csv = $"v\n{a}\n{b}\n";
        var r = Infer(csv);
        Assert.That(r.Column("v").Type.Kind, Is.EqualTo(expected));
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_BeyondInt64_StaysString()
    {
        var r = InferValues("1", "9223372036854775808");
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("v").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("v"), Does.Contain("more than 15 significant digits"));
        });
    }

    [Test]
    public void Infer_DecimalScale_IsMaxFractionDigitsSeen()
    {
        var csv = "price,rate\n1.5,0.10\n22.25,1\n-333.125,.5\n7,2.\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("price").Type, Is.EqualTo(ColumnType.Decimal(6, 3)));
            Assert.That(r.Column("rate").Type, Is.EqualTo(ColumnType.Decimal(3, 2)), "trailing zeros count: 0.10 keeps 2 decimals");
            Assert.That(r.Note("price"), Does.Contain("up to 3 integer digits and 3 decimals"));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_TooWideForDecimal_DoubleOnlyWhenExact()
    {
        var csv = "e,wide,tiny,huge\n1e5,123456789012345.678,0.0000000000000000001,1234567890123456.789\n-2.5E-3,1,0.5,1\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("e").Type, Is.EqualTo(ColumnType.Double), "exponents need a double");
            Assert.That(r.Column("wide").Type, Is.EqualTo(ColumnType.Decimal(18, 3)), "18 digits still fit a decimal");
            Assert.That(r.Column("tiny").Type, Is.EqualTo(ColumnType.Double), "scale 19 is too wide for a decimal; 1 significant digit is exact as a double");
            Assert.That(r.Column("huge").Type, Is.EqualTo(ColumnType.String), "19 significant digits: a double would round");
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_PlusSignAndPaddedNumbers_StayString()
    {
        var r = Infer("phone,n\n+4915112345,\" 12\"\n+1555,13\n");
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("phone").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("phone"), Does.Contain("a leading + seen"));
            Assert.That(r.Column("n").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("n"), Does.Contain("1 value with leading/trailing spaces"));
        });
    }

    [Test]
    public void Infer_BoolWordsAndDigits_IsBool()
    {
        var csv = "flag\ntrue\nFalse\nYES\nno\n1\n0\n\n";
        var r = Infer(csv);
        var flag = r.Column("flag");
        Assert.Multiple(() =>
        {
            Assert.That(flag.Type, Is.EqualTo(ColumnType.Bool));
            Assert.That(flag.TrueValues, Is.EqualTo(new[] { "true", "yes", "1" }));
            Assert.That(flag.FalseValues, Is.EqualTo(new[] { "false", "no", "0" }));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_ZeroOneOnly_IsInt32NotBool()
    {
        var r = InferValues("0", "1", "1", "0");
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("v").Type, Is.EqualTo(ColumnType.Int32));
            Assert.That(r.Note("v"), Does.Contain("only 0 and 1 seen"));
        });
    }

    [TestCase("Y", "N")]
    [TestCase("t", "f")]
    [TestCase("true", "maybe")]
    public void Infer_OtherFlagSpellings_StayString(string a, string b) =>
        Assert.That(InferValues(a, b).Column("v").Type, Is.EqualTo(ColumnType.String));

    [Test]
    public void Infer_IsoDates_AreDates()
    {
        var r = InferValues("2023-01-15", "2024-02-29");
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("v").Type, Is.EqualTo(ColumnType.Date));
            Assert.That(r.Column("v").Formats, Is.EqualTo(new[] { "yyyy-MM-dd" }));
        });
    }

    [Test]
    public void Infer_MixedDateFormats_ListsEveryFormatNeeded()
    {
        var csv = "d\n2023-01-15\n01/31/2023\n15.02.2023\n03/04/2023\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("d").Type, Is.EqualTo(ColumnType.Date));
            Assert.That(r.Column("d").Formats, Is.EqualTo(new[] { "yyyy-MM-dd", "dd.MM.yyyy", "MM/dd/yyyy" }));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_AmbiguousDayMonth_TakesTheOrderConsistentWithAllValues()
    {
        Assert.Multiple(() =>
        {
            Assert.That(InferValues("03/04/2023", "25/12/2023").Column("v").Formats, Is.EqualTo(new[] { "dd/MM/yyyy" }));
            Assert.That(InferValues("03/04/2023", "12/25/2023").Column("v").Formats, Is.EqualTo(new[] { "MM/dd/yyyy" }));
            Assert.That(InferValues("1/5/2023", "12/25/2023").Column("v").Formats, Is.EqualTo(new[] { "M/d/yyyy" }));
        });
    }

    [Test]
    public void Infer_DayMonthUndecidable_StaysStringAndSaysWhy()
    {
        var ambiguous = InferValues("03/04/2023", "01/02/2023");
        var conflicting = InferValues("12/25/2023", "25/12/2023");
        Assert.Multiple(() =>
        {
            Assert.That(ambiguous.Column("v").Type, Is.EqualTo(ColumnType.String));
            Assert.That(ambiguous.Note("v"), Does.Contain("day/month order is ambiguous"));
            Assert.That(conflicting.Column("v").Type, Is.EqualTo(ColumnType.String));
            Assert.That(conflicting.Note("v"), Does.Contain("both month-first (\"12/25/2023\" (line 2)) and day-first (\"25/12/2023\" (line 3))"));
        });
    }

    [Test]
    public void Infer_Timestamps_PreferTheNarrowestFormat()
    {
        var plain = InferValues("2023-01-01 10:00:00", "2023-12-31 23:59:59");
        var iso = InferValues("2023-01-01T10:00:00Z", "2023-01-02", "2023-01-03 04:05:06.123+02:00");
        Assert.Multiple(() =>
        {
            Assert.That(plain.Column("v").Type, Is.EqualTo(ColumnType.Timestamp));
            Assert.That(plain.Column("v").Formats, Is.EqualTo(new[] { "yyyy-MM-dd HH:mm:ss" }));
            Assert.That(iso.Column("v").Type, Is.EqualTo(ColumnType.Timestamp), "one value has a time, so a date would drop it");
            Assert.That(iso.Column("v").Formats, Is.EqualTo(new[] { "iso8601" }));
        });
    }

    [TestCase("2023-02-30")]
    [TestCase("2023/05/05 and more")]
    [TestCase("2023-01-01T10:00:00.1234567")]
    public void Infer_OneImpossibleOrUnknownDate_MakesString(string bad)
    {
        var r = InferValues("2023-01-01", bad);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("v").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Note("v"), Does.Contain("not a date"));
        });
    }

    [Test]
    public void Infer_NullTokens_MakeNullableNotString()
    {
        var csv = "a,b,c\n1,x,\n,y,\nNULL,z,N/A\nN/A,w,\n7,v,nan\n";
        var r = Infer(csv);
        Assert.Multiple(() =>
        {
            Assert.That(r.Column("a").Type, Is.EqualTo(ColumnType.Int32));
            Assert.That(r.Column("a").Nullable, Is.True);
            Assert.That(r.Note("a"), Does.Contain("from 2 values, 3 nulls"));
            Assert.That(r.Column("b").Nullable, Is.False, "every row had a value");
            Assert.That(r.Column("c").Type, Is.EqualTo(ColumnType.String));
            Assert.That(r.Column("c").Nullable, Is.True);
            Assert.That(r.Note("c"), Does.Contain("no values"));
        });
        CleansWithoutRejects(csv, r);
    }

    [Test]
    public void Infer_HeaderOnly_EverythingNullableString()
    {
        var r = Infer("a,b\n");
        Assert.Multiple(() =>
        {
            Assert.That(r.RowsScanned, Is.Zero);
            Assert.That(r.Contract.Columns.Select(c => (c.Type, c.Nullable)), Is.All.EqualTo((ColumnType.String, true)));
        });
    }

    [TestCase("")]
    [TestCase("\n1\n")]
    public void Infer_EmptyInputOrBlankHeader_FailsAsInvalidInput(string csv)
    {
        var e = Assert.Throws<EtlFunction.Errors.EtlException>(() => Infer(csv));
        Assert.That(e!.Type, Is.EqualTo(EtlFunction.Errors.ErrorType.InvalidInput));
    }
}
