using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VapiSync.Client.Http.Internal;

/// <summary>Source-generated serialization for everything the library reads or writes (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AssistantDefinition))]
[JsonSerializable(typeof(VapiAssistant))]
[JsonSerializable(typeof(List<VapiAssistant>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class VapiJsonContext : JsonSerializerContext;
