namespace EtlFunction.Contracts;

/// <summary>The text transforms a column may apply, in order, before its value is parsed.</summary>
public enum TransformKind { Trim, Lower, Upper, CollapseSpaces, Replace, RegexReplace, Default }

/// <summary>
/// One step of a column's transform list. <c>Replace</c> is literal, <c>RegexReplace</c> uses .NET
/// regex syntax, <c>Default</c> substitutes <see cref="To"/> for a NULL value.
/// </summary>
public sealed record Transform(TransformKind Kind, string? From = null, string? To = null)
{
    public override string ToString() => Kind switch
    {
        TransformKind.Replace => $"replace({From} -> {To})",
        TransformKind.RegexReplace => $"regex_replace({From} -> {To})",
        TransformKind.Default => $"default({To})",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
