using System.Text.Json.Nodes;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>The definition as it will be sent: normalized voice, host metadata plus the sync key, read-only fields gone.</summary>
internal sealed class DesiredAssistant
{
    private DesiredAssistant(AssistantDefinition definition, JsonObject body, string syncKey)
    {
        Definition = definition;
        Body = body;
        SyncKey = syncKey;
    }

    public AssistantDefinition Definition { get; }

    public JsonObject Body { get; }

    public string SyncKey { get; }

    public static DesiredAssistant Build(AssistantSyncRequest request, VoiceNormalization voice, string syncKeyMetadataName)
    {
        var syncKey = Sync.Internal.SyncKey.For(request.OrganizationId, request.AgentKey);
        var definition = request.Assistant.Clone();
        definition.Voice = voice.Result;

        // Always the complete metadata object: whether Vapi's PATCH merges or replaces it is unconfirmed.
        definition.Metadata ??= [];
        definition.Metadata[syncKeyMetadataName] = syncKey;
        AssistantPayload.RemoveReadOnlyFields(definition.ExtensionData);
        return new DesiredAssistant(definition, AssistantPayload.ToRequestBody(definition), syncKey);
    }
}
