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

        // Serializing to a node already copies: the host's definition is never touched.
        var body = AssistantPayload.ToRequestBody(request.Assistant);
        if (voice.Result is null)
        {
            body.Remove("voice");
        }
        else
        {
            body["voice"] = JsonSerializer.SerializeToNode(voice.Result, VapiJsonContext.Default.VoiceConfig);
        }

        // Always the complete metadata object: whether Vapi's PATCH merges or replaces it is unconfirmed.
        if (body["metadata"] is not JsonObject metadata)
        {
            body["metadata"] = metadata = [];
        }

        metadata[syncKeyMetadataName] = syncKey;
        return new DesiredAssistant(DefinitionHash.CanonicalUtf8(body), syncKey);
    }
}
