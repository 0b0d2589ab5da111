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
}
