using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using EtlFunction.Steps;

namespace EtlFunction.Lambda;

/// <summary>
/// Structured logs for Lambda mode: one JSON object per line on stdout (in Lambda, stdout is the
/// CloudWatch log stream; the result goes over HTTP). Every line carries the current request id and
/// step, so CloudWatch Logs Insights can filter one invocation. Small on purpose: no levels to
/// configure, no sinks — a line is written whole under a lock, so step threads never interleave.
/// </summary>
public sealed class JsonLogger(TextWriter output, TimeProvider? clock = null)
{
    // Log lines are read by people and Logs Insights, not embedded in HTML: keep '+', quotes and non-ASCII readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The invocation being handled; set by the host, written on every line while set.</summary>
    public string? RequestId { get; set; }

    /// <summary>The handler (step) name; set by the host.</summary>
    public string? Step { get; set; }

    /// <remarks>Fields whose value is null are left out.</remarks>
    public void Info(string message, params (string Key, object? Value)[] fields) => Write("info", message, fields);

    public void Warn(string message, params (string Key, object? Value)[] fields) => Write("warn", message, fields);

    public void Error(string message, params (string Key, object? Value)[] fields) => Write("error", message, fields);

    /// <summary>A step's own progress line (<see cref="StepContext.Log"/>): messages starting with "warning:" become warn.</summary>
    public void StepMessage(string message) =>
        Write(message.StartsWith("warning:", StringComparison.OrdinalIgnoreCase) ? "warn" : "info", message, []);

    /// <summary>Writes an already serialised JSON object as one line (the embedded-metric lines).</summary>
    public void WriteLine(string json)
    {
        lock (_gate) output.WriteLine(json);
    }

    private void Write(string level, string message, (string Key, object? Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("level", level);
            w.WriteString("message", message);
            if (RequestId is not null) w.WriteString("requestId", RequestId);
            if (Step is not null) w.WriteString("step", Step);
            foreach (var (key, value) in fields)
            {
                if (value is null) continue; // absent, not null: lines stay short and a field present means it applies
                w.WritePropertyName(key);
                WriteValue(w, value);
            }
            w.WriteEndObject();
        }
        WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Plain values are written directly: the reflection serializer costs tens of milliseconds on its first use, which a cold start pays.</summary>
    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case DateTimeOffset t: w.WriteStringValue(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)); break;
            case IEnumerable<string> list:
                w.WriteStartArray();
                foreach (var item in list) w.WriteStringValue(item);
                w.WriteEndArray();
                break;
            // Any other value (e.g. the counts dictionary) must be a type JsonContext lists: GetTypeInfo throws otherwise.
            default: JsonSerializer.Serialize(w, value, Json.Options.GetTypeInfo(value.GetType())); break;
        }
    }
}
