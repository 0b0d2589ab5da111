namespace VapiSync.Client.Queue;

/// <summary>The queue's record of one agent: its latest queued definition's status, the last error and the last applied result.</summary>
public sealed record SyncQueueEntry
{
    /// <summary>Gets the host's organization id.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the host's agent key.</summary>
    public required string AgentKey { get; init; }

    /// <summary>Gets where the latest queued item stands.</summary>
    public required SyncQueueState State { get; init; }

    /// <summary>Gets what the latest queued item asks for.</summary>
    public required SyncQueueOperation Operation { get; init; }

    /// <summary>Gets the agent's version counter: it grows by one on every enqueue, so a completion of an older version never overwrites a newer one.</summary>
    public required long Version { get; init; }

    /// <summary>Gets when the latest item was enqueued.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Gets since when the agent has had a definition waiting (the oldest enqueue not yet applied), or <see langword="null"/> when nothing waits.</summary>
    public DateTimeOffset? PendingSince { get; init; }

    /// <summary>Gets how many attempts of the current version failed (transient failures and the permanent one that parked it; pauses of the breaker or of a rate limit do not count).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when the item may be tried next (after a backoff or a pause), or <see langword="null"/> when it is not waiting.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Gets the last attempt's failure, or <see langword="null"/> when it has not failed since it was enqueued.</summary>
    public SyncQueueError? LastError { get; init; }

    /// <summary>Gets why the item was parked, or <see langword="null"/> when it is not parked.</summary>
    public string? ParkedReason { get; init; }

    /// <summary>Gets the assistant id of the last applied save (kept while a newer one waits), or <see langword="null"/> when none was applied or the last applied item was a deletion.</summary>
    public string? AssistantId { get; init; }

    /// <summary>Gets what the last applied save did, or <see langword="null"/> when none was applied or the last applied item was a deletion.</summary>
    public SyncOutcome? Outcome { get; init; }

    /// <summary>Gets when an item of this agent was last applied, or <see langword="null"/> when none was.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets when the entry last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
