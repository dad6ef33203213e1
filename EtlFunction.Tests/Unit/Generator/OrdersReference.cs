using System.Globalization;

namespace EtlFunction.Tests.Unit.Generator;

/// <summary>
/// A deliberately naive, text-based implementation of RULES.md R1-R8 over parsed records, used only
/// to cross-check <see cref="EtlFunction.Generator.OrdersTruth"/>, which is computed from the
/// generator's choices instead. Two independent routes to the same numbers.
/// </summary>
internal static class OrdersReference
{
    private static readonly string[] Statuses = ["pending", "paid", "shipped", "delivered", "cancelled"];

    public sealed record Result(long Read, long Invalid, long Superseded, long Written, decimal SumAmount, long SumQuantity, long GiftTrue);

    public static bool PassesRules(string[] f, out long orderId, out decimal amount, out int quantity, out bool gift)
    {
        amount = 0;
        gift = false;
        var ok = long.TryParse(f[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out orderId);
        ok &= long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        ok &= int.TryParse(f[11], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out quantity);
        var a = f[4].Trim();
        ok &= a.Length > 0 && decimal.TryParse(a, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount)
            && decimal.Round(amount, 2) == amount && Math.Abs(amount) < 10_000_000_000m;
        ok &= DateOnly.TryParseExact(f[6], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            || DateOnly.TryParseExact(f[6], "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        ok &= DateTime.TryParseExact(f[7], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _);
        switch (f[9].Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes": gift = true; break;
            case "false" or "0" or "no": gift = false; break;
            default: ok = false; break;
        }
        ok &= quantity >= 1;
        ok &= Statuses.Contains(f[8]);
        return ok;
    }

    public static Result Apply(List<(int Line, string[] Fields)> records)
    {
        var valid = new List<(long Id, decimal Amount, int Quantity, bool Gift)>();
        foreach (var (_, f) in records)
            if (PassesRules(f, out var id, out var amount, out var q, out var gift)) valid.Add((id, amount, q, gift));
        var lastIndex = new Dictionary<long, int>();
        for (var i = 0; i < valid.Count; i++) lastIndex[valid[i].Id] = i;
        var kept = valid.Where((v, i) => lastIndex[v.Id] == i).ToList();
        return new Result(records.Count, records.Count - valid.Count, valid.Count - kept.Count, kept.Count,
            kept.Sum(k => k.Amount), kept.Sum(k => (long)k.Quantity), kept.Count(k => k.Gift));
    }
}
