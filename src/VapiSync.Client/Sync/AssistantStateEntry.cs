namespace VapiSync.Client;

/// <summary>One agent's stored state, with the keys it is stored under (see <see cref="IAssistantStateStore.ListAsync"/>).</summary>
/// <param name="OrganizationId">The host's organization id.</param>
/// <param name="AgentKey">The host's agent key.</param>
/// <param name="State">The state.</param>
public sealed record AssistantStateEntry(string OrganizationId, string AgentKey, AssistantState State);
