using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// The queue's instruments, on the library's <c>VapiSync.Client</c> meter (the factory returns the same meter for the
/// same name). The gauges read the last snapshot the drainer took, so a scrape never queries the store.
/// </summary>
internal sealed class SyncQueueMetrics
{
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _completions;
    private readonly Histogram<double> _latency;
    private SyncQueueStatistics? _snapshot;

    public SyncQueueMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _enqueued = meter.CreateCounter<long>("vapisync.queue.enqueued", "{item}", "Items enqueued, by operation (save, delete).");
        _completions = meter.CreateCounter<long>(
            "vapisync.queue.completions",
            "{item}",
            "Items the drainer finished an attempt of, by result (synced, superseded, failed, parked, deferred, released, lease_lost): its rate is the drain rate.");
        _latency = meter.CreateHistogram<double>("vapisync.queue.latency", "s", "Time from the oldest waiting enqueue of an agent to its save being applied.");
        meter.CreateObservableGauge("vapisync.queue.depth", () => _snapshot?.Depth ?? 0, "{item}", "Items waiting to be applied (pending, processing, failing).");
        meter.CreateObservableGauge("vapisync.queue.parked", () => _snapshot?.Parked ?? 0, "{item}", "Items parked after a permanent failure.");
        meter.CreateObservableGauge(
            "vapisync.queue.oldest_pending_age",
            () => _snapshot?.OldestPendingAge.TotalSeconds ?? 0,
            "s",
            "Age of the oldest save not yet applied (parked ones excluded).");
    }

    public SyncQueueStatistics? Snapshot => Volatile.Read(ref _snapshot);

    public void Update(SyncQueueStatistics statistics) => Volatile.Write(ref _snapshot, statistics);

    public void RecordEnqueued(SyncQueueOperation operation) =>
        _enqueued.Add(1, new KeyValuePair<string, object?>("vapisync.queue.operation", operation == SyncQueueOperation.Save ? "save" : "delete"));

    public void RecordCompletion(string result) => _completions.Add(1, new KeyValuePair<string, object?>("vapisync.queue.result", result));

    public void RecordLatency(TimeSpan latency) => _latency.Record(latency.TotalSeconds);
}
