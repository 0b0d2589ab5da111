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

    /// <summary>
    /// Gets the agent's state when the lock read it from <paramref name="store"/> while taking this lease (in the same
    /// round trip), so the sync need not read it again.
    /// </summary>
    /// <param name="store">The state store the sync uses; a lock answers only for a store it knows to be its own.</param>
    /// <param name="state">The state read under this lease, or <see langword="null"/> when none is stored.</param>
    /// <returns>
    /// <see langword="true"/> when <paramref name="state"/> is the store's state as of the acquisition; <see langword="false"/>
    /// (the default, for locks written before this member existed) when the caller reads it with <see cref="IAssistantStateStore.GetAsync"/>.
    /// </returns>
    bool TryGetPrefetchedState(IAssistantStateStore store, out AssistantState? state)
    {
        state = null;
        return false;
    }

    /// <summary>
    /// Writes the agent's state under this lease and releases the lease, in one step where the lock is also
    /// <paramref name="store"/>. The write is fenced exactly like <see cref="IAssistantStateStore.SetFencedAsync"/>:
    /// refused when the lease was lost. Once it returns <see langword="true"/>, disposing the lease does nothing more.
    /// </summary>
    /// <param name="store">The state store the sync uses; a lock acts only for a store it knows to be its own.</param>
    /// <param name="state">The state to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> when the state was written and the lease released; <see langword="false"/> (the default,
    /// for locks written before this member existed) when nothing was done and the caller writes with
    /// <see cref="IAssistantStateStore.SetFencedAsync"/>, then disposes the lease.
    /// </returns>
    /// <exception cref="VapiSyncLeaseException">The write was refused (<see cref="VapiErrorCodes.LeaseLost"/>); nothing was written.</exception>
    ValueTask<bool> TrySetStateAndReleaseAsync(IAssistantStateStore store, AssistantState state, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);
}
