namespace VapiSync.Client.Queue;

/// <summary>
/// A queued item the drainer finished with: applied (<see cref="SyncQueueState.Synced"/>) or given up on
/// (<see cref="SyncQueueState.Parked"/>). Observers and <see cref="IVapiSyncQueue.ReadCompletionsAsync"/> receive one
/// per finished item, on the instance that drained it.
/// </summary>
public sealed record SyncQueueCompletion
{
    /// <summary>Gets the host's organization id.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the host's agent key.</summary>
    public required string AgentKey { get; init; }

    /// <summary>Gets what the item asked for.</summary>
    public required SyncQueueOperation Operation { get; init; }

    /// <summary>Gets the version that was applied (or parked).</summary>
    public required long Version { get; init; }

    /// <summary>Gets <see cref="SyncQueueState.Synced"/> when the item was applied, <see cref="SyncQueueState.Parked"/> when it failed permanently.</summary>
    public required SyncQueueState State { get; init; }

    /// <summary>Gets the agent's assistant id after a save (store it in the host's own agents table), or <see langword="null"/> for a deletion or a parked item.</summary>
    public string? AssistantId { get; init; }

    /// <summary>Gets what the save did, or <see langword="null"/> for a deletion or a parked item.</summary>
    public SyncOutcome? Outcome { get; init; }

    /// <summary>Gets whether a deletion found an assistant to delete, or <see langword="null"/> for a save.</summary>
    public bool? Deleted { get; init; }

    /// <summary>Gets the failure that parked the item, or <see langword="null"/> when it was applied.</summary>
    public SyncQueueError? Error { get; init; }

    /// <summary>Gets a value indicating whether a newer version of the agent was enqueued meanwhile; it is applied next.</summary>
    public bool Superseded { get; init; }

    /// <summary>Gets when the item finished.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
