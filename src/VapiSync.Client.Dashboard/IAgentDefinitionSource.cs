namespace VapiSync.Client.Dashboard;

/// <summary>
/// Supplies an agent's current definition so the dashboard's "Sync now" and "Force" buttons can sync it. The library
/// keeps only a hash of what it applied, never the definition, so only the host can say what the agent should be.
/// </summary>
/// <remarks>
/// Register one in the host's services (any lifetime: it is resolved from the request's services). Without one the
/// Agents page shows the buttons disabled and says why.
/// </remarks>
public interface IAgentDefinitionSource
{
    /// <summary>Reads the agent's current definition from the host's own store.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The definition, or <see langword="null"/> when the host no longer has the agent.</returns>
    ValueTask<AssistantDefinition?> GetDefinitionAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);
}
