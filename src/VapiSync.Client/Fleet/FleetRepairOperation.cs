using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet;

/// <summary>The write a fix makes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetRepairOperation>))]
public enum FleetRepairOperation
{
    /// <summary><c>PATCH /assistant/{id}</c> with the replacement voice only: nothing else changes, no sync key is added.</summary>
    PatchVoice,

    /// <summary><c>DELETE /assistant/{id}</c>.</summary>
    Delete,

    /// <summary>The agent's definition re-applied through <see cref="IVapiAssistantManager"/> with <see cref="AssistantSyncRequest.Force"/> (a PATCH).</summary>
    Reapply,
}
