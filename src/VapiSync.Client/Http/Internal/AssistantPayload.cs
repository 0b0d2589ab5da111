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

    /// <summary>Serializes the definition as a request body without read-only fields.</summary>
    public static JsonObject ToRequestBody(AssistantDefinition definition)
    {
        var body = JsonSerializer.SerializeToNode(definition, VapiJsonContext.Default.AssistantDefinition)!.AsObject();
        foreach (var field in ReadOnlyFields)
        {
            body.Remove(field);
        }

        return body;
    }

    public static byte[] ToUtf8(JsonObject body) => JsonSerializer.SerializeToUtf8Bytes(body, VapiJsonContext.Default.JsonObject);
}
