namespace EtlFunction.Contracts.Inference;

/// <summary>One value from the file and the line it started on: the evidence a note quotes.</summary>
internal readonly record struct Sample(string Value, long Line)
{
    public override string ToString() => Notes.Value(Value, Line);
}
