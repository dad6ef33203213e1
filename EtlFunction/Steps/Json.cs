using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtlFunction.Steps;

/// <summary>
/// The one JSON configuration used for every document the project reads or writes, bound to the
/// source-generated <see cref="JsonContext"/> (no reflection: the Native AOT binary serializes the same way
/// as the JIT build). Pass <c>Json.Context.SomeType</c> to <c>JsonSerializer</c>; see <see cref="JsonContext"/>
/// for how to add a type.
/// </summary>
public static class Json
{
    /// <summary>Compact documents (step results, state, logs).</summary>
    internal static readonly JsonContext Context = new(Create(indented: false));

    /// <summary>Documents people read (the run manifest, quarantine's error.json).</summary>
    internal static readonly JsonContext IndentedContext = new(Create(indented: true));

    /// <summary>The options of <see cref="Context"/>: they resolve only the types <see cref="JsonContext"/> lists.</summary>
    public static JsonSerializerOptions Options => Context.Options;

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = indented,
        // No serialized type holds an enum today. One that does needs its converter listed here, e.g.
        // new JsonStringEnumConverter<LoadMode>(JsonNamingPolicy.CamelCase): the generic converter needs no
        // run-time code generation (the non-generic JsonStringEnumConverter does, and fails the AOT analyzer).
    };
}
