using System.Text.Json.Serialization;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>The orphans column (jsonb): source-generated, camelCase, so the stored JSON is readable and stable.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrphanedAssistant[]))]
internal sealed partial class StateJson : JsonSerializerContext;
