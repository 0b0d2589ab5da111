namespace VapiSync.Client.Queue;

/// <summary>A snapshot of the queue: how many entries per state, and how long the oldest waiting definition has waited.</summary>
public sealed record SyncQueueStatistics
{
    /// <summary>Gets how many entries wait to be tried (<see cref="SyncQueueState.Pending"/>).</summary>
    public long Pending { get; init; }

    /// <summary>Gets how many entries are being applied now (<see cref="SyncQueueState.Processing"/>).</summary>
    public long Processing { get; init; }

    /// <summary>Gets how many entries wait for a retry after a transient failure (<see cref="SyncQueueState.Failing"/>).</summary>
    public long Failing { get; init; }

    /// <summary>Gets how many entries are parked (<see cref="SyncQueueState.Parked"/>).</summary>
    public long Parked { get; init; }

    /// <summary>Gets how many entries are synced (<see cref="SyncQueueState.Synced"/>).</summary>
    public long Synced { get; init; }

    /// <summary>Gets the queue depth: entries not yet applied that the drainer will still try (pending, processing and failing; parked ones wait for a person).</summary>
    public long Depth => Pending + Processing + Failing;

    /// <summary>Gets since when the oldest definition not yet applied (parked ones excluded) has waited, or <see langword="null"/> when none waits.</summary>
    public DateTimeOffset? OldestPendingSince { get; init; }

    /// <summary>Gets when the snapshot was taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets how long the oldest definition not yet applied has waited, or <see cref="TimeSpan.Zero"/> when none waits.</summary>
    public TimeSpan OldestPendingAge => OldestPendingSince is { } since && Timestamp > since ? Timestamp - since : TimeSpan.Zero;
}
