namespace VapiSync.Client;

/// <summary>
/// Serializes syncs of one (organization, agent). The default is in-process; a store shared by several instances
/// supplies one that spans them (for example the PostgreSQL store's leases).
/// </summary>
public interface IAssistantSyncLock
{
    /// <summary>Waits until no other sync of the agent runs, then holds the lock until the returned handle is disposed.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle that releases the lock when disposed.</returns>
    ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until no other sync of the agent runs, then holds the lock as a lease with a fencing token until the
    /// returned lease is disposed. The library's syncs call this member.
    /// </summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease; its <see cref="IAssistantSyncLease.FencingToken"/> goes with every state write made under it.</returns>
    /// <exception cref="VapiSyncLeaseException">The lock could not be taken in time (<see cref="VapiErrorCodes.LockTimeout"/>).</exception>
    /// <remarks>
    /// The default implementation, for locks written before leases existed, wraps <see cref="AcquireAsync"/> in a lease
    /// that is never lost and does not fence (token <c>0</c>).
    /// </remarks>
    async ValueTask<IAssistantSyncLease> AcquireLeaseAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        new UnfencedLease(await AcquireAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false));

    private sealed class UnfencedLease(IAsyncDisposable handle) : IAssistantSyncLease
    {
        public long FencingToken => 0;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => handle.DisposeAsync();
    }
}
