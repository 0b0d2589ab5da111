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

    /// <summary>
    /// <c>PATCH /assistant/{id}</c> with the agent's whole definition, prepared exactly as a sync prepares it (normalized
    /// voice, sync key in metadata). The assistant id is the one audited, so the state store stays valid as it is.
    /// </summary>
    Reapply,
}
