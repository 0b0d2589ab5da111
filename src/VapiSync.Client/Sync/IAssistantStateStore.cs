namespace VapiSync.Client;

/// <summary>
/// Where the library remembers, per (organization, agent), which assistant it manages and the hash of the definition
/// last applied. The default keeps it in memory; use a shared store when several instances sync the same agents.
/// </summary>
/// <remarks>Implementations must be thread-safe. Calls for one agent are serialized by the sync lock.</remarks>
public interface IAssistantStateStore
{
    /// <summary>Reads the state of an agent.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state, or <see langword="null"/> when none is stored.</returns>
    ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Stores the state of an agent, replacing any earlier one.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default);

    /// <summary>Forgets the state of an agent.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a state was removed.</returns>
    ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored states, ordered by organization id, then agent key (ordinal).</summary>
    /// <param name="organizationId">Only this organization's agents, or every organization's when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The states, streamed.</returns>
    /// <exception cref="NotSupportedException">The store cannot list (the default for stores written before this member existed).</exception>
    IAsyncEnumerable<AssistantStateEntry> ListAsync(string? organizationId = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot list its states.");
}
