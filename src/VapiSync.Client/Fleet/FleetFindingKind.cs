using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet;

/// <summary>What is wrong with an assistant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetFindingKind>))]
public enum FleetFindingKind
{
    /// <summary>Its voice matches a rule of the live voice table: Vapi refuses it (calls fail) or will; the fix is a PATCH of the voice alone.</summary>
    LegacyVoice,

    /// <summary>Another assistant carries the same sync key and is the one kept; the fix deletes this one.</summary>
    Duplicate,

    /// <summary>It carries the sync key of an agent the host no longer has; the fix (opt-in) deletes it.</summary>
    Orphan,

    /// <summary>Its fields differ from the definition last applied (edited in Vapi's dashboard); the fix re-applies the definition.</summary>
    Drift,
}
