using System.Text;

namespace EtlFunction.Tests.Unit.Split;

/// <summary>Crafted CSVs for the split tests, and an independent oracle for record starts.</summary>
internal static class PlanFiles
{
    /// <summary>
    /// People rows whose second field is quoted and holds line breaks, so with a chunk size of 1
    /// the first newline after every tentative split point is a quoted one. Every seventh row has a
    /// bad score (a reject), and ids repeat far apart (duplicates across pieces).
    /// </summary>
    public static string Straddling(int rows, string eol = "\n", bool finalEol = true)
    {
        var sb = new StringBuilder("id,name,score").Append(eol);
        for (var i = 0; i < rows; i++)
        {
            var id = i % 3 == 2 ? i / 3 : i;
            var score = i % 7 == 6 ? "bad" : (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
            sb.Append(id).Append(",\"line one").Append(eol).Append("line \"\"two\"\"").Append(eol).Append("three\",").Append(score);
            if (i < rows - 1 || finalEol) sb.Append(eol);
        }
        return sb.ToString();
    }

    public static string Write(string dir, string name, string text) => Write(dir, name, Encoding.UTF8.GetBytes(text));

    public static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// Byte offsets where records start, by a plain RFC-4180 state machine (quotes open only at a
    /// field start, <c>""</c> inside quotes is an escaped quote): a second opinion, not the planner's code.
    /// </summary>
    public static HashSet<long> RecordStarts(byte[] bytes)
    {
        var starts = new HashSet<long> { 0 };
        var inQuotes = false;
        var fieldStart = true;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (inQuotes)
            {
                if (b != (byte)'"') continue;
                if (i + 1 < bytes.Length && bytes[i + 1] == (byte)'"') i++;
                else inQuotes = false;
                continue;
            }
            if (b == (byte)'"' && fieldStart)
            {
                inQuotes = true;
                fieldStart = false;
            }
            else if (b == (byte)',') fieldStart = true;
            else if (b == (byte)'\n')
            {
                starts.Add(i + 1);
                fieldStart = true;
            }
            else if (b != (byte)'\r') fieldStart = false;
        }
        return starts;
    }
}
