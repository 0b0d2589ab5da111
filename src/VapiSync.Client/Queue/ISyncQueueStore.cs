namespace VapiSync.Client.Queue;

/// <summary>
/// Where the queue keeps one entry per (organization, agent). The default keeps it in memory; a shared store (the
/// PostgreSQL one) lets several instances enqueue and drain together. Times come from the caller's
/// <see cref="TimeProvider"/>, so stores never read a clock of their own.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and make each method one atomic step. Rules every store keeps:
/// <list type="bullet">
/// <item>An enqueue increments the agent's version and replaces the waiting definition; it never takes the lease of an item being processed.</item>
/// <item>A claimed item is not claimed again until its lease expires or is released; one agent is never claimed twice at once.</item>
/// <item>A lease-bound write (<see cref="RenewAsync"/>, <see cref="CompleteAsync"/>, <see cref="FailAsync"/>, <see cref="ParkAsync"/>, <see cref="ReleaseAsync"/>) does nothing and returns <see langword="null"/> when the lease token no longer matches.</item>
/// <item>When the version changed since the claim, a completion or a park records what happened to the older version and leaves the newer one pending.</item>
/// </list>
/// </remarks>
public interface ISyncQueueStore
{
    /// <summary>Stores a save (with <paramref name="request"/>) or a deletion (without) for the agent.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="operation">Save or delete.</param>
    /// <param name="request">The definition for a save; <see langword="null"/> for a deletion.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent's entry after the enqueue.</returns>
    ValueTask<SyncQueueEntry> EnqueueAsync(string organizationId, string agentKey, SyncQueueOperation operation, AssistantSyncRequest? request, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="maxItems"/> due items (pending, or failing with their backoff elapsed, or processing with an expired lease), earliest due first.</summary>
    /// <param name="maxItems">The most items to claim.</param>
    /// <param name="leaseDuration">How long the claim holds before another drainer may take the item.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed items; empty when none is due.</returns>
    ValueTask<IReadOnlyList<SyncQueueWorkItem>> ClaimAsync(int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease of a claimed item while it is processed, so a sync longer than one lease is not claimed again.
    /// Fenced like every lease-bound write: it extends nothing once the item was settled, claimed by another drainer or
    /// handed back to pending by an enqueue after its lease expired.
    /// </summary>
    /// <param name="item">The claimed item.</param>
    /// <param name="leaseDuration">How long the renewed claim holds from <paramref name="now"/>.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The item as it stands now, under the same lease token: the new <see cref="SyncQueueWorkItem.LeaseExpiresAt"/>, and
    /// the agent's current version, operation and definition (a newer save or a deletion may have been enqueued since the
    /// claim; a claimer that has not called Vapi yet applies that instead). <see langword="null"/> when the lease was lost
    /// (the claimer must stop processing the item).
    /// </returns>
    ValueTask<SyncQueueWorkItem?> RenewAsync(SyncQueueWorkItem item, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records that the claimed version was applied; the entry becomes synced unless a newer version waits.</summary>
    /// <param name="item">The claimed item.</param>
    /// <param name="assistantId">The assistant id after a save; <see langword="null"/> after a deletion.</param>
    /// <param name="outcome">What the save did; <see langword="null"/> after a deletion.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry after the write, or <see langword="null"/> when the lease was lost.</returns>
    ValueTask<SyncQueueEntry?> CompleteAsync(SyncQueueWorkItem item, string? assistantId, SyncOutcome? outcome, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a transient failure: one more attempt used, tried again at <paramref name="retryAt"/>.</summary>
    /// <param name="item">The claimed item.</param>
    /// <param name="error">The failure.</param>
    /// <param name="retryAt">When the item is due again.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry after the write, or <see langword="null"/> when the lease was lost.</returns>
    ValueTask<SyncQueueEntry?> FailAsync(SyncQueueWorkItem item, SyncQueueError error, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a permanent failure: the entry is parked with its reason, unless a newer version waits.</summary>
    /// <param name="item">The claimed item.</param>
    /// <param name="error">The failure.</param>
    /// <param name="reason">Why it was parked, for a person to read.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry after the write, or <see langword="null"/> when the lease was lost.</returns>
    ValueTask<SyncQueueEntry?> ParkAsync(SyncQueueWorkItem item, SyncQueueError error, string reason, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Gives the claim back without using an attempt (shutdown, an open breaker or a rate-limit pause): the item is due again at <paramref name="retryAt"/>.</summary>
    /// <param name="item">The claimed item.</param>
    /// <param name="retryAt">When the item is due again.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry after the write, or <see langword="null"/> when the lease was lost.</returns>
    ValueTask<SyncQueueEntry?> ReleaseAsync(SyncQueueWorkItem item, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads the agent's entry.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none.</returns>
    ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Lists entries, one page at a time, ordered by organization id, then agent key (ordinal).</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default);

    /// <summary>Makes a parked or failing entry pending and due now, with its attempts and error reset.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the entry was parked or failing.</returns>
    ValueTask<bool> RetryAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes a pending, failing, parked or synced entry; one under a live lease is kept.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="now">The current time (a lease that expired no longer protects the entry).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the entry was removed.</returns>
    ValueTask<bool> DiscardAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts entries per state and finds the oldest waiting definition.</summary>
    /// <param name="now">The current time (the snapshot's timestamp).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The snapshot.</returns>
    ValueTask<SyncQueueStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
