namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// The state transitions of a queue entry, as pure functions. The in-memory store applies them directly; the
/// PostgreSQL store encodes the same table in SQL, and both are tested against the same scenarios.
/// </summary>
internal static class SyncQueueRules
{
    /// <summary>
    /// A new version replaces the waiting one. When a drainer holds the lease, the entry stays processing: the older
    /// version's completion then hands the newer one back as pending, so it is applied after, never overtaken.
    /// </summary>
    public static SyncQueueEntry Enqueue(SyncQueueEntry entry, SyncQueueOperation operation, DateTimeOffset now, bool leased) => entry with
    {
        Version = entry.Version + 1,
        Operation = operation,
        State = leased ? SyncQueueState.Processing : SyncQueueState.Pending,
        EnqueuedAt = now,
        PendingSince = IsWaiting(entry.State) && entry.PendingSince is { } since ? since : now,
        Attempts = 0,
        NextAttemptAt = leased ? null : now,
        LastError = null,
        ParkedReason = null,
        UpdatedAt = now,
    };

    public static SyncQueueEntry Complete(SyncQueueEntry entry, long version, string? assistantId, SyncOutcome? outcome, DateTimeOffset now) =>
        entry.Version == version
            ? entry with
            {
                State = SyncQueueState.Synced,
                PendingSince = null,
                Attempts = 0,
                NextAttemptAt = null,
                LastError = null,
                ParkedReason = null,
                AssistantId = assistantId,
                Outcome = outcome,
                CompletedAt = now,
                UpdatedAt = now,
            }
            : Superseded(entry, now) with { AssistantId = assistantId, Outcome = outcome, CompletedAt = now };

    public static SyncQueueEntry Fail(SyncQueueEntry entry, long version, SyncQueueError error, DateTimeOffset retryAt, DateTimeOffset now) =>
        entry.Version == version
            ? entry with { State = SyncQueueState.Failing, Attempts = entry.Attempts + 1, LastError = error, NextAttemptAt = retryAt, UpdatedAt = now }
            : Superseded(entry, now) with { LastError = error };

    public static SyncQueueEntry Park(SyncQueueEntry entry, long version, SyncQueueError error, string reason, DateTimeOffset now) =>
        entry.Version == version
            ? entry with { State = SyncQueueState.Parked, Attempts = entry.Attempts + 1, LastError = error, ParkedReason = reason, NextAttemptAt = null, PendingSince = null, UpdatedAt = now }
            : Superseded(entry, now) with { LastError = error };

    /// <summary>A release uses no attempt: an item that already failed stays failing (with its count), a fresh one pending.</summary>
    public static SyncQueueEntry Release(SyncQueueEntry entry, long version, DateTimeOffset retryAt, DateTimeOffset now) =>
        entry.Version == version
            ? entry with { State = entry.Attempts > 0 ? SyncQueueState.Failing : SyncQueueState.Pending, NextAttemptAt = retryAt, UpdatedAt = now }
            : Superseded(entry, now);

    public static SyncQueueEntry Retry(SyncQueueEntry entry, DateTimeOffset now) => entry with
    {
        State = SyncQueueState.Pending,
        Attempts = 0,
        LastError = null,
        ParkedReason = null,
        NextAttemptAt = now,
        PendingSince = entry.PendingSince ?? now,
        UpdatedAt = now,
    };

    public static bool IsDue(SyncQueueState state, DateTimeOffset? nextAttemptAt, DateTimeOffset leaseExpiresAt, DateTimeOffset now) => state switch
    {
        SyncQueueState.Pending or SyncQueueState.Failing => (nextAttemptAt ?? DateTimeOffset.MinValue) <= now,
        SyncQueueState.Processing => leaseExpiresAt <= now, // its drainer died: the item returns
        _ => false,
    };

    private static bool IsWaiting(SyncQueueState state) => state is SyncQueueState.Pending or SyncQueueState.Processing or SyncQueueState.Failing;

    /// <summary>A newer version arrived while the older one was processed: it is due now, with attempts of its own.</summary>
    private static SyncQueueEntry Superseded(SyncQueueEntry entry, DateTimeOffset now) =>
        entry with { State = SyncQueueState.Pending, NextAttemptAt = now, Attempts = 0, ParkedReason = null, UpdatedAt = now };
}
