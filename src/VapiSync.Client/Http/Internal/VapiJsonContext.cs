using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VapiSync.Client.Http.Internal;

/// <summary>Source-generated serialization for everything the library reads or writes (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AssistantDefinition))]
[JsonSerializable(typeof(VoiceConfig))]
[JsonSerializable(typeof(CreatedAssistant))]
[JsonSerializable(typeof(VapiAssistant))]
[JsonSerializable(typeof(List<VapiAssistant>))]
[JsonSerializable(typeof(List<ListedAssistant>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class VapiJsonContext : JsonSerializerContext;

/// <summary>The two fields a create needs back; reading only these skips materializing the whole assistant.</summary>
internal sealed class CreatedAssistant
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// What the sync's own listings (the account index, the convergence tails) need of each assistant: the id, the two
/// timestamps the walk pages by, and the metadata that carries the sync key. Everything else (prompts, model, voice,
/// unknown fields) is skipped by the reader instead of being materialized and then dropped.
/// </summary>
internal sealed class ListedAssistant
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName("metadata")]
    public JsonObject? Metadata { get; set; }
}
