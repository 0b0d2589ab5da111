using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet;

/// <summary>Why one assistant of a duplicate group is the one kept.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetDuplicateWinner>))]
public enum FleetDuplicateWinner
{
    /// <summary>The state store points to it.</summary>
    State,

    /// <summary>No state points into the group: the oldest (<c>createdAt</c>, then the smallest id) is kept, as a sync would adopt it.</summary>
    Oldest,
}
