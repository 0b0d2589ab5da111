using System.Text.Json;
using System.Text.Json.Nodes;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The definition as it will be sent: normalized voice, host metadata plus the sync key, read-only fields gone —
/// serialized once, in canonical form, and used both for the hash and as the request body.
/// </summary>
internal sealed class DesiredAssistant
{
    private AssistantDefinition? _definition;

    private DesiredAssistant(byte[] body, string syncKey)
    {
        Body = body;
        SyncKey = syncKey;
    }

    /// <summary>Gets the canonical UTF-8 request body.</summary>
    public byte[] Body { get; }

    public string SyncKey { get; }

    /// <summary>Gets the body as a definition, for an <see cref="Http.IVapiClient"/> that is not the library's own.</summary>
    public AssistantDefinition Definition => _definition ??= JsonSerializer.Deserialize(Body, VapiJsonContext.Default.AssistantDefinition)!;

    /// <summary>A fresh mutable copy of the body, for comparing with what Vapi holds (<see cref="FieldDiff"/>).</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Body)!.AsObject();

    public static DesiredAssistant Build(AssistantSyncRequest request, VoiceNormalization voice, string syncKeyMetadataName)
    {
        var syncKey = Sync.Internal.SyncKey.For(request.OrganizationId, request.AgentKey);

        // Serialized, never mutated: the host's definition is never touched.
        return new DesiredAssistant(DefinitionHash.CanonicalBody(request.Assistant, voice.Result, syncKeyMetadataName, syncKey), syncKey);
    }
}
