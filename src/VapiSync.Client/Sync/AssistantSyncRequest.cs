namespace VapiSync.Client;

/// <summary>An inbound agent save: which organization and agent, and what its assistant should hold.</summary>
/// <param name="OrganizationId">The host's organization id (selects the credential; part of the sync key).</param>
/// <param name="AgentKey">The host's agent key, unique within the organization.</param>
/// <param name="Assistant">The desired assistant definition.</param>
public sealed record AssistantSyncRequest(string OrganizationId, string AgentKey, AssistantDefinition Assistant)
{
    /// <summary>Gets the assistant id the host already stores for this agent, used when the library has no state of its own.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? KnownAssistantId { get; init; }

    /// <summary>Gets a value indicating whether to send the definition even when it has not changed since the last sync.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Force { get; init; }

    /// <summary>
    /// Gets a value indicating whether to only plan the sync: the result tells what the sync would do and which fields
    /// of the assistant it would change (<see cref="AssistantSyncResult.Differences"/>), and nothing is written — no
    /// create, update or delete at Vapi and no state change. Validation still comes first; Vapi and the state store are read.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    /// <remarks>
    /// A dry run takes no lock, so it never waits for (or holds up) a real sync of the agent: it plans against what is
    /// stored and what Vapi holds when it reads them. When the state says the definition is unchanged, it makes no request
    /// and reports <see cref="SyncOutcome.Unchanged"/>; combine it with <see cref="Force"/> to compare with Vapi anyway
    /// (edits made in the dashboard show up as differences).
    /// </remarks>
    public bool DryRun { get; init; }
}
