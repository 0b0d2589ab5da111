using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet;

/// <summary>Where an audit or repair is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetPhase>))]
public enum FleetPhase
{
    /// <summary>Walking the account's listing; <see cref="FleetProgress.Total"/> is unknown.</summary>
    Listing,

    /// <summary>Classifying the listed assistants.</summary>
    Classifying,

    /// <summary>Writing fixes (or planning them, in a dry run). An applied repair starts the voice fixes that need no other assistant while it is still listing.</summary>
    Repairing,

    /// <summary>Finished.</summary>
    Completed,
}
