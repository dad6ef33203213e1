using System.Text;
using YamlDotNet.RepresentationModel;

namespace EtlFunction.Contracts;

/// <summary>
/// The contract's top-level <c>schema_evolution: none | add_columns</c> key, read and written in one place so the
/// loader and the writer (and so the fingerprint) cannot disagree. <c>none</c>, the default, is not written:
/// contracts that do not use the option keep the fingerprint they had before it existed.
/// </summary>
internal static class SchemaEvolutionYaml
{
    public const string Key = "schema_evolution";

    public static SchemaEvolution Read(YamlMappingNode root, string origin)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(Key), out var node)) return SchemaEvolution.None;
        if (node is not YamlScalarNode s)
        {
            throw ContractLoader.Fail(origin, (int)node.Start.Line, Key, "must be a single value");
        }
        return s.Value switch
        {
            "none" => SchemaEvolution.None,
            "add_columns" => SchemaEvolution.AddColumns,
            _ => throw ContractLoader.Fail(origin, (int)node.Start.Line, Key, $"'{s.Value}' is not one of none, add_columns"),
        };
    }

    public static void Write(StringBuilder sb, SchemaEvolution evolution)
    {
        if (evolution == SchemaEvolution.AddColumns) sb.Append(Key).Append(": add_columns\n");
    }
}
