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

    /// <summary>
    /// Stores the state of an agent under a lease, unless the agent's lock has been taken with a newer fencing token
    /// since: then the holder lost its lease and the write is refused, so it can never overwrite newer state.
    /// </summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="state">The state.</param>
    /// <param name="fencingToken">The writer's <see cref="IAssistantSyncLease.FencingToken"/>; <c>0</c> or less writes unconditionally.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    /// <exception cref="VapiSyncLeaseException">The write was refused (<see cref="VapiErrorCodes.LeaseLost"/>).</exception>
    /// <remarks>The default implementation, for stores written before fencing existed, ignores the token.</remarks>
    ValueTask SetFencedAsync(string organizationId, string agentKey, AssistantState state, long fencingToken, CancellationToken cancellationToken = default) =>
        SetAsync(organizationId, agentKey, state, cancellationToken);

    /// <summary>Forgets the state of an agent under a lease, unless a newer fencing token was issued since (see <see cref="SetFencedAsync"/>).</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="fencingToken">The writer's <see cref="IAssistantSyncLease.FencingToken"/>; <c>0</c> or less removes unconditionally.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a state was removed.</returns>
    /// <exception cref="VapiSyncLeaseException">The removal was refused (<see cref="VapiErrorCodes.LeaseLost"/>).</exception>
    /// <remarks>The default implementation, for stores written before fencing existed, ignores the token.</remarks>
    ValueTask<bool> RemoveFencedAsync(string organizationId, string agentKey, long fencingToken, CancellationToken cancellationToken = default) =>
        RemoveAsync(organizationId, agentKey, cancellationToken);
}
