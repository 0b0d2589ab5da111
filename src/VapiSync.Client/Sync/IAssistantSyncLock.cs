namespace VapiSync.Client;

/// <summary>
/// Serializes syncs of one (organization, agent). The default is in-process; a store shared by several instances
/// supplies one that spans them (for example a PostgreSQL advisory lock).
/// </summary>
public interface IAssistantSyncLock
{
    /// <summary>Waits until no other sync of the agent runs, then holds the lock until the returned handle is disposed.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle that releases the lock when disposed.</returns>
    ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);
}
