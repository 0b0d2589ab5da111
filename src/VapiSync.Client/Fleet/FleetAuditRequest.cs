namespace VapiSync.Client.Fleet;

/// <summary>What to audit: one organization's Vapi account, and what the host knows about its agents.</summary>
/// <param name="OrganizationId">The host's organization id: selects the credential (through the chain) and the sync keys that are this organization's.</param>
public sealed record FleetAuditRequest(string OrganizationId)
{
    /// <summary>Gets the keys of every agent the host still has; managed assistants of other agents of this organization are orphans.</summary>
    /// <value>The default value is <see langword="null"/>: see <see cref="OrphanSource"/>.</value>
    public IReadOnlyCollection<string>? LiveAgentKeys { get; init; }

    /// <summary>Gets agents with the definition last applied: their assistants are compared field by field (drift).</summary>
    /// <value>The default value is empty (no drift check).</value>
    public IReadOnlyList<FleetAgent> Agents { get; init; } = [];

    /// <summary>Gets where the audit learns which agents still exist.</summary>
    /// <value>The default value is <see cref="FleetOrphanSource.Auto"/>.</value>
    public FleetOrphanSource OrphanSource { get; init; } = FleetOrphanSource.Auto;
}
