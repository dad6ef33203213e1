using System.Diagnostics;
using System.Text;
using EtlFunction.Contracts;
using static EtlFunction.Tests.Unit.Cleaning.CleanHarness;

namespace EtlFunction.Tests.Unit.Cleaning;

/// <summary>Contract patterns run in time linear in the value: a pathological pattern cannot stall a step.</summary>
public class ContractPatternTests
{
    private static string Contract(string conditionOrTransform) => $$"""
        dataset: d
        columns:
          - name: id
            type: int32
          - name: code
            type: string
            {{conditionOrTransform}}
        """;

    /// <summary>Cleans on a worker thread and fails after <paramref name="limit"/> instead of hanging the run.</summary>
    private static Outcome CleanWithin(TimeSpan limit, string contract, string csv)
    {
        var sw = Stopwatch.StartNew();
        var task = Task.Run(() => Clean(contract, csv));
        Assert.That(task.Wait(limit), Is.True, $"cleaning did not finish within {limit.TotalSeconds} s");
        Assert.That(sw.Elapsed, Is.LessThan(limit));
        return task.Result;
    }

    private static string Rows(int count, string value)
    {
        var csv = new StringBuilder("id,code\n");
        for (var i = 1; i <= count; i++) csv.Append(i).Append(',').Append(value).Append('\n');
        return csv.ToString();
    }

    [Test]
    public void Clean_NestedQuantifierPattern_RejectsTwentyRowsInSeconds()
    {
        // The backtracking engine ran (a+)+$ on these rows for over a minute without finishing.
        var o = CleanWithin(TimeSpan.FromSeconds(10), Contract("checks: {pattern: \"(a+)+$\"}"), Rows(20, new string('a', 40) + "!"));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(20));
        Assert.That(o.Result.RowsWritten, Is.Zero);
        Assert.That(o.RejectLines.Skip(1), Has.All.Contain("does not match pattern (a+)+$"));
    }

    [Test]
    public void Clean_NestedQuantifierPattern_StillMatchesValidValues()
    {
        var o = CleanWithin(TimeSpan.FromSeconds(10), Contract("checks: {pattern: \"(a+)+$\"}"), Rows(3, new string('a', 40)));
        Assert.That(o.Result.RowsWritten, Is.EqualTo(3));
    }

    [Test]
    public void Clean_NestedQuantifierFilterAndReplace_FinishInSeconds()
    {
        var value = new string('a', 40) + "!";
        var filtered = CleanWithin(TimeSpan.FromSeconds(10), Contract("") + "\nfilters:\n  - column: code\n    keep: {pattern: \"(a+)+$\"}\n", Rows(20, value));
        Assert.That(filtered.Result.RowsFiltered, Is.EqualTo(20));
        var replaced = CleanWithin(TimeSpan.FromSeconds(10), Contract("transforms: [{regex_replace: {from: \"(a+)+b\", to: x}}]"), Rows(20, value));
        Assert.That(replaced.ProcessedLines[1], Is.EqualTo("1," + value));
    }

    [Test]
    [NonParallelizable]
    public void Clean_PatternOverMatchTimeout_RejectsRowWithReason()
    {
        // The second guard: a value whose match runs over the timeout rejects its row, in a check or a filter.
        var saved = ContractRegex.MatchTimeout;
        ContractRegex.MatchTimeout = TimeSpan.FromTicks(1);
        try
        {
            var csv = Rows(2, new string('a', 200_000) + "!");
            var check = Clean(Contract("checks: {pattern: \"[a-z]+\"}"), csv);
            Assert.That(check.Result.RowsRejected, Is.EqualTo(2));
            Assert.That(check.RejectLines[1], Does.Contain("matching pattern [a-z]+ on a value of 200,001 characters took over"));
            var filter = Clean(Contract("") + "\nfilters:\n  - column: code\n    drop: {pattern: \"[a-z]+\"}\n", csv);
            Assert.That(filter.Result.RowsRejected, Is.EqualTo(2), "neither kept nor dropped: rejected");
            Assert.That(filter.RejectLines[1], Does.Contain("took over"));
        }
        finally
        {
            ContractRegex.MatchTimeout = saved;
        }
    }

    [Test]
    public void Clean_TypicalPatterns_KeepTheirMeaning()
    {
        var o = Clean(Contract("checks: {pattern: \"(?i)[^@\\\\s]+@[^@\\\\s]+\"}"), "id,code\n1,A@b.com\n2,a b@c\n3,x@y@z\n4,@x\n");
        Assert.That(o.Result.RowsWritten, Is.EqualTo(1));
        Assert.That(o.Result.RowsRejected, Is.EqualTo(3));
    }
}
