using Microsoft.Extensions.Logging;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Queue.Internal;

/// <summary>The host's side of the queue: validates before storing, stamps the time, and wakes the local drainer.</summary>
internal sealed class VapiSyncQueue(
    ISyncQueueStore store,
    SyncQueueSignal signal,
    ClaimedItems claims,
    CompletionBroadcaster completions,
    SyncQueueMetrics metrics,
    TimeProvider time,
    ILogger<VapiSyncQueue> logger) : IVapiSyncQueue
{
    public async ValueTask<SyncQueueEntry> EnqueueAsync(AssistantSyncRequest request, CancellationToken cancellationToken = default)
    {
        // A definition Vapi can never accept is refused now, while the caller can still tell its user.
        SyncRequestValidator.Validate(request);

        // A queued save replaces the agent's pending one: a plan in its place would silently drop that save.
        if (request.DryRun)
        {
            throw new ArgumentException("A dry run cannot be queued: it returns a plan, which only IVapiAssistantManager.EnsureAssistantAsync can hand back. Enqueue the request without DryRun.", nameof(request));
        }

        return await StoreAsync(request.OrganizationId, request.AgentKey, SyncQueueOperation.Save, request with { Assistant = request.Assistant.Clone() }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<SyncQueueEntry> EnqueueDeleteAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        SyncRequestValidator.ValidateIds(organizationId, agentKey);
        return StoreAsync(organizationId, agentKey, SyncQueueOperation.Delete, null, cancellationToken);
    }

    public ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentKey);
        return store.GetAsync(organizationId, agentKey, cancellationToken);
    }

    public ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000, nameof(query));
        return store.ListAsync(query, cancellationToken);
    }

    public async ValueTask<bool> RetryAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentKey);
        var retried = await store.RetryAsync(organizationId, agentKey, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (retried)
        {
            signal.Set();
        }

        return retried;
    }

    public ValueTask<bool> DiscardAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentKey);
        return store.DiscardAsync(organizationId, agentKey, time.GetUtcNow(), cancellationToken);
    }

    public async ValueTask<SyncQueueStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var statistics = await store.GetStatisticsAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        metrics.Update(statistics); // keeps the gauges fresh on instances that only enqueue (no drainer refreshing them)
        return statistics;
    }

    public IAsyncEnumerable<SyncQueueCompletion> ReadCompletionsAsync(CancellationToken cancellationToken = default) =>
        completions.ReadAsync(cancellationToken);

    private async ValueTask<SyncQueueEntry> StoreAsync(string organizationId, string agentKey, SyncQueueOperation operation, AssistantSyncRequest? request, CancellationToken cancellationToken)
    {
        var entry = await store.EnqueueAsync(organizationId, agentKey, operation, request, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        claims.Enqueued(entry); // a claimed-ahead older version is re-read before it is sent
        metrics.RecordEnqueued(operation);
        SyncQueueLog.Enqueued(logger, organizationId, agentKey, operation, entry.Version);
        signal.Set();
        return entry;
    }
}
