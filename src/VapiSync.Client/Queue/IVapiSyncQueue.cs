namespace VapiSync.Client.Queue;

/// <summary>
/// A durable outbox in front of <see cref="IVapiAssistantManager"/>: a save is stored and acknowledged at once, and a
/// background drainer applies it when Vapi can take it — after an outage, a breaker opening or a rate-limit pause.
/// Saves of one agent coalesce: only the latest definition is applied, and a save that arrives while an older one is
/// being applied is applied after it, never lost. Register with <c>AddSyncQueue()</c>.
/// </summary>
public interface IVapiSyncQueue
{
    /// <summary>
    /// Stores the agent's desired definition, replacing any older one still waiting, and returns without calling Vapi.
    /// </summary>
    /// <param name="request">The organization, the agent and its definition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent's entry after the enqueue (its <see cref="SyncQueueEntry.Version"/> identifies this save).</returns>
    /// <exception cref="ArgumentException">
    /// The organization id or agent key is empty, the definition is missing, or the request is a dry run
    /// (<see cref="AssistantSyncRequest.DryRun"/>: a plan is returned by <see cref="IVapiAssistantManager.EnsureAssistantAsync"/>, never queued).
    /// </exception>
    /// <exception cref="Http.VapiValidationException">The definition can never be sent to Vapi (checked before it is stored).</exception>
    ValueTask<SyncQueueEntry> EnqueueAsync(AssistantSyncRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stores a deletion of the agent's assistant; it wins over any older save still waiting.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent's entry after the enqueue.</returns>
    /// <exception cref="ArgumentException">The organization id or agent key is empty.</exception>
    ValueTask<SyncQueueEntry> EnqueueDeleteAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Reads where the agent's latest queued item stands.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or <see langword="null"/> when the agent was never queued (or was discarded).</returns>
    ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Lists entries, one page at a time, ordered by organization id, then agent key (ordinal).</summary>
    /// <param name="query">The state and organization to filter by, the page size and the continuation token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default);

    /// <summary>Makes a parked or failing item due now, with its attempts reset.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the item was parked or failing and is now pending.</returns>
    ValueTask<bool> RetryAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Drops the agent's waiting item (pending, failing or parked) and its entry; an item being applied now cannot be discarded.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when an entry was dropped.</returns>
    ValueTask<bool> DiscardAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);

    /// <summary>Counts entries per state and measures the age of the oldest waiting definition.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The snapshot.</returns>
    ValueTask<SyncQueueStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the items this instance's drainer finishes from now on, until <paramref name="cancellationToken"/> is
    /// cancelled. An item appears once its new status is stored, so looking it up then shows it synced (or parked). A reader that falls more than <see cref="SyncQueueOptions.CompletionBufferSize"/> items behind loses
    /// the oldest ones; use <see cref="IVapiSyncQueueObserver"/> when every completion matters.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The completions, in the order they happened.</returns>
    IAsyncEnumerable<SyncQueueCompletion> ReadCompletionsAsync(CancellationToken cancellationToken = default);
}
