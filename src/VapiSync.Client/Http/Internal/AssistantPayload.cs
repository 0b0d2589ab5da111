using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VapiSync.Client.Http.Internal;

/// <summary>Turns a definition into the body Vapi accepts for POST and PATCH.</summary>
internal static class AssistantPayload
{
    /// <summary>
    /// Fields of Vapi's <c>Assistant</c> that <c>CreateAssistantDTO</c>/<c>UpdateAssistantDTO</c> lack, plus extras seen
    /// in responses. Vapi's validation answers 400 ("property id should not exist") to any of them, and hosts often keep
    /// the JSON they last read, so they are stripped on the way out rather than rejected.
    /// </summary>
    public static readonly FrozenSet<string> ReadOnlyFields = new[]
    {
        "id", "orgId", "createdAt", "updatedAt", "latestVersion", "isDeleted", "analyticsMetadata", "isServerUrlSecretSet",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static void RemoveReadOnlyFields(Dictionary<string, JsonElement>? extensionData)
    {
        if (extensionData is null)
        {
            return;
        }

        foreach (var field in ReadOnlyFields)
        {
            extensionData.Remove(field);
        }
    }

    /// <summary>Deeper JSON than System.Text.Json writes or reads by default; Vapi's schema nests a few levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>Serializes the definition as a request body without read-only fields.</summary>
    /// <exception cref="VapiValidationException">The definition cannot be serialized (JSON nested deeper than <see cref="MaxDepth"/>).</exception>
    public static JsonObject ToRequestBody(AssistantDefinition definition)
    {
        JsonObject body;
        try
        {
            body = JsonSerializer.SerializeToNode(definition, VapiJsonContext.Default.AssistantDefinition)!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // Thrown before any I/O; the serializer's own message names no field, so find the offending one.
            throw new VapiValidationException([Unserializable(definition, ex)]);
        }

        foreach (var field in ReadOnlyFields)
        {
            body.Remove(field);
        }

        return body;
    }

    public static byte[] ToUtf8(JsonObject body) => JsonSerializer.SerializeToUtf8Bytes(body, VapiJsonContext.Default.JsonObject);

    /// <summary>
    /// The body of a PATCH of the voice alone, <c>{"voice":…}</c>, written straight to bytes: the same bytes as
    /// <see cref="ToUtf8"/> of <see cref="ToRequestBody"/> of a definition holding only the voice (a nested voice has
    /// no read-only field to strip), without building the JSON tree in between.
    /// </summary>
    /// <exception cref="VapiValidationException">The voice cannot be serialized (JSON nested deeper than <see cref="MaxDepth"/>).</exception>
    public static byte[] VoicePatch(VoiceConfig voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        try
        {
            // The buffer and writer are this thread's, reset per body: only the body itself is allocated.
            var buffer = t_voicePatchBuffer ??= new System.Buffers.ArrayBufferWriter<byte>(256);
            buffer.ResetWrittenCount();
            var writer = t_voicePatchWriter;
            if (writer is null)
            {
                t_voicePatchWriter = writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth });
            }
            else
            {
                writer.Reset(buffer);
            }

            writer.WriteStartObject();
            writer.WritePropertyName("voice"u8);
            JsonSerializer.Serialize(writer, voice, VapiJsonContext.Default.VoiceConfig);
            writer.WriteEndObject();
            writer.Flush();
            var body = buffer.WrittenSpan.ToArray();
            if (buffer.Capacity > MaxKeptVoicePatchBuffer)
            {
                // An outsized voice does not pin its buffer to the thread.
                t_voicePatchBuffer = null;
                t_voicePatchWriter = null;
            }

            return body;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // The slow path finds the offending field and says which.
            t_voicePatchWriter = null;
            return ToUtf8(ToRequestBody(new AssistantDefinition { Voice = voice }));
        }
    }

    private const int MaxKeptVoicePatchBuffer = 16 * 1024;

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_voicePatchBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_voicePatchWriter;

    internal static VapiValidationError Unserializable(AssistantDefinition definition, Exception ex)
    {
        var fields = new (string Name, JsonNode? Node)[]
        {
            ("Assistant.Model", definition.Model), ("Assistant.Transcriber", definition.Transcriber), ("Assistant.Metadata", definition.Metadata),
        };
        foreach (var (name, node) in fields)
        {
            if (node is not null && Depth(node) > MaxDepth - 2)
            {
                return new VapiValidationError(name, $"nested deeper than {MaxDepth - 2} levels; Vapi's schema is far shallower.");
            }
        }

        foreach (var (name, element) in definition.ExtensionData ?? [])
        {
            if (Depth(element) > MaxDepth - 2)
            {
                return new VapiValidationError("Assistant." + VapiValidationError.Quote(name), $"nested deeper than {MaxDepth - 2} levels; Vapi's schema is far shallower.");
            }
        }

        if (ex is ArgumentException)
        {
            // A JsonNode can hold a double JSON cannot carry (NaN, an infinity); a JsonElement cannot.
            foreach (var (name, node) in fields)
            {
                if (node is not null && !CanWrite(node))
                {
                    return new VapiValidationError(name, "holds a number JSON cannot carry (NaN or an infinity).");
                }
            }
        }

        return new VapiValidationError("Assistant", $"cannot be serialized as JSON ({ex.GetType().Name}).");
    }

    private static bool CanWrite(JsonNode node)
    {
        try
        {
            using var writer = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { MaxDepth = MaxDepth });
            node.WriteTo(writer);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int Depth(JsonNode root) => Depth(root, static node => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>(),
        JsonArray a => a.OfType<JsonNode>(),
        _ => [],
    });

    private static int Depth(JsonElement root) => Depth(root, static element => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
        JsonValueKind.Array => element.EnumerateArray(),
        _ => [],
    });

    /// <summary>Iterative, so a hostile depth cannot overflow the stack.</summary>
    private static int Depth<T>(T root, Func<T, IEnumerable<T>> children)
    {
        var max = 0;
        var stack = new Stack<(T Node, int Depth)>();
        stack.Push((root, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            max = Math.Max(max, depth);
            foreach (var child in children(node))
            {
                stack.Push((child, depth + 1));
            }
        }

        return max;
    }
}
