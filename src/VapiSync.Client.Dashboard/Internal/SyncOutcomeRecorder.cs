using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>
/// Counts sync outcomes per minute for the Overview's chart by listening to the library's own counter
/// (<c>vapisync.sync.count</c> on the <c>VapiSync.Client</c> meter) with a <see cref="MeterListener"/>: the dashboard
/// shows exactly what the host's metrics pipeline sees, and the library needs no hook for it. Only the meter created by
/// this host's <see cref="IMeterFactory"/> is read, so several hosts in one process do not mix their numbers.
/// </summary>
internal sealed class SyncOutcomeRecorder : IDisposable
{
    public const string InstrumentName = "vapisync.sync.count";
    public const string Failed = "failed";
    public const string Unchanged = "unchanged";
    public const int WindowMinutes = 60;

    private readonly TimeProvider _time;
    private readonly IMeterFactory? _meterFactory;
    private readonly MeterListener _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Dictionary<string, long>> _outcomes = [];
    private readonly Dictionary<long, Dictionary<string, long>> _errors = [];

    public SyncOutcomeRecorder(TimeProvider time, IServiceProvider services)
    {
        _time = time;
        _meterFactory = services.GetService<IMeterFactory>();
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
        _listener.Start();
    }

    public OutcomeSnapshot Snapshot()
    {
        var nowMinute = MinuteOf(_time.GetUtcNow());
        var first = nowMinute - WindowMinutes + 1;
        lock (_gate)
        {
            Prune(first);
            var minutes = new List<MinuteCounts>(WindowMinutes);
            for (var minute = first; minute <= nowMinute; minute++)
            {
                var counts = _outcomes.GetValueOrDefault(minute);
                var failed = counts?.GetValueOrDefault(Failed) ?? 0;
                var unchanged = counts?.GetValueOrDefault(Unchanged) ?? 0;
                var written = (counts?.Values.Sum() ?? 0) - failed - unchanged;
                minutes.Add(new MinuteCounts(DateTimeOffset.FromUnixTimeSeconds(minute * 60), written, unchanged, failed));
            }

            return new OutcomeSnapshot(minutes, Totals(_outcomes), Totals(_errors));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name == VapiSyncTelemetry.Name
            && instrument.Name == InstrumentName
            && (_meterFactory is null || ReferenceEquals(instrument.Meter.Scope, _meterFactory)))
        {
            listener.EnableMeasurementEvents(instrument);
        }
    }

    private void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? outcome = null;
        string? error = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "vapisync.outcome")
            {
                outcome = tag.Value as string;
            }
            else if (tag.Key == "error.type")
            {
                error = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (outcome is null)
        {
            return;
        }

        var minute = MinuteOf(_time.GetUtcNow());
        lock (_gate)
        {
            Add(_outcomes, minute, outcome, value);
            if (outcome == Failed)
            {
                Add(_errors, minute, error ?? "unknown", value);
            }
        }
    }

    private static void Add(Dictionary<long, Dictionary<string, long>> buckets, long minute, string key, long value)
    {
        if (!buckets.TryGetValue(minute, out var counts))
        {
            buckets[minute] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        counts[key] = counts.GetValueOrDefault(key) + value;
    }

    private void Prune(long firstMinute)
    {
        foreach (var minute in _outcomes.Keys.Where(m => m < firstMinute).ToList())
        {
            _outcomes.Remove(minute);
            _errors.Remove(minute);
        }
    }

    private static SortedDictionary<string, long> Totals(Dictionary<long, Dictionary<string, long>> buckets)
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in buckets.Values.SelectMany(b => b))
        {
            totals[key] = totals.GetValueOrDefault(key) + value;
        }

        return totals;
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;
}

/// <summary>Sync outcomes of one minute: written (created, updated, recreated, adopted, moved), unchanged, failed.</summary>
internal sealed record MinuteCounts(DateTimeOffset Start, long Written, long Unchanged, long Failed)
{
    public long Total => Written + Unchanged + Failed;
}

/// <summary>The last hour: per minute, totals per outcome, and failures per error type.</summary>
internal sealed record OutcomeSnapshot(IReadOnlyList<MinuteCounts> Minutes, IReadOnlyDictionary<string, long> Outcomes, IReadOnlyDictionary<string, long> Errors);
