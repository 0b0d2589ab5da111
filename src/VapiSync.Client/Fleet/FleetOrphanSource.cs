namespace VapiSync.Client.Fleet;

/// <summary>Where an audit learns which agents still exist, to tell orphaned assistants apart.</summary>
public enum FleetOrphanSource
{
    /// <summary>
    /// <see cref="FleetAuditRequest.LiveAgentKeys"/> when given; otherwise the state store's listing
    /// (<see cref="IAssistantStateStore.ListAsync"/>); when the store cannot list, orphans are not checked.
    /// Agents in <see cref="FleetAuditRequest.Agents"/> always count as live.
    /// </summary>
    Auto,

    /// <summary>Only <see cref="FleetAuditRequest.LiveAgentKeys"/> and <see cref="FleetAuditRequest.Agents"/> (empty when neither is given: every managed assistant is an orphan).</summary>
    LiveAgentKeys,

    /// <summary>Only the state store's listing (plus <see cref="FleetAuditRequest.Agents"/>). A fresh in-memory store knows no agent.</summary>
    StateStore,

    /// <summary>Orphans are not checked.</summary>
    None,
}
