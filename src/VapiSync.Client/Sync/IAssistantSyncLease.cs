namespace VapiSync.Client;

/// <summary>
/// A held per-agent lock (see <see cref="IAssistantSyncLock.AcquireLeaseAsync"/>): a lease that may be lost while held
/// — it expired because the holder paused longer than its duration, and another instance took the agent — and a
/// fencing token that lets the state store refuse the writes of a holder that lost it. Disposing releases it.
/// </summary>
public interface IAssistantSyncLease : IAsyncDisposable
{
    /// <summary>
    /// Gets the fencing token: it grows with every acquisition of the agent's lock, so a write carrying an older token
    /// than the store last saw comes from a holder that lost its lease and is refused
    /// (<see cref="IAssistantStateStore.SetFencedAsync"/>).
    /// <c>0</c> when the lock does not fence (its state writes are unconditional).
    /// </summary>
    long FencingToken { get; }

    /// <summary>Gets a token that is cancelled when the lease is known to be lost (it could not be renewed); the sync stops.</summary>
    CancellationToken Lost { get; }
}
