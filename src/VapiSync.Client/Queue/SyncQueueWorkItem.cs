namespace VapiSync.Client.Queue;

/// <summary>
/// An item a drainer claimed from an <see cref="ISyncQueueStore"/>: the agent's latest version at claim time, held under
/// a lease. Every write back to the store names the lease, so an instance whose lease expired changes nothing.
/// </summary>
public sealed record SyncQueueWorkItem
{
    /// <summary>Gets the host's organization id.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the host's agent key.</summary>
    public required string AgentKey { get; init; }

    /// <summary>Gets what the item asks for.</summary>
    public required SyncQueueOperation Operation { get; init; }

    /// <summary>Gets the definition to apply, or <see langword="null"/> for a deletion.</summary>
    public AssistantSyncRequest? Request { get; init; }

    /// <summary>Gets the version claimed.</summary>
    public required long Version { get; init; }

    /// <summary>Gets how many attempts of this version already failed.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the lease's token: unique per claim, it fences writes of a claimer whose lease was taken over.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>Gets when the lease expires; after that another drainer may claim the item.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Gets since when the agent has had a definition waiting.</summary>
    public DateTimeOffset? PendingSince { get; init; }
}
