using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet;

/// <summary>What became of one fix.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetRepairStatus>))]
public enum FleetRepairStatus
{
    /// <summary>Dry run: the write that would be made.</summary>
    Planned,

    /// <summary>Written.</summary>
    Done,

    /// <summary>Nothing left to do when the write was made (the assistant was already deleted: Vapi answered 404).</summary>
    AlreadyDone,

    /// <summary>Vapi refused or failed; see <see cref="FleetRepairAction.Error"/>. The next repair tries again.</summary>
    Failed,
}
