namespace VapiSync.Client.Queue;

/// <summary>
/// Told when a queued item finishes, so the host can store the assistant id in its own agents table. Register with
/// <c>AddSyncQueueObserver&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// Called on the instance that drained the item, before the queue records it as finished: if the instance stops
/// in between, the item is applied again (a no-op at Vapi) and the observer called again, so delivery is at least once
/// and the observer should be idempotent. When the drainer's lease ran out mid-sync (another instance may have taken the
/// item over), the observer is called only after the queue accepted the record, so a take-over never reports twice.
/// An observer that throws is logged; the item still counts as finished.
/// </remarks>
public interface IVapiSyncQueueObserver
{
    /// <summary>Handles a finished item.</summary>
    /// <param name="completion">What was applied or parked.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnCompletedAsync(SyncQueueCompletion completion, CancellationToken cancellationToken);
}
