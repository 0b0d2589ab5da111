using System.Diagnostics.Metrics;
using System.Globalization;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The sync's instruments on the library's <c>VapiSync.Client</c> meter (the factory hands back the one meter). Tags
/// are low-cardinality by design: never an organization id, agent key or API key.
/// </summary>
internal sealed class SyncMetrics
{
    private readonly Counter<long> _syncs;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _voiceNormalizations;

    public SyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _syncs = meter.CreateCounter<long>("vapisync.sync.count", "{sync}", "Syncs by outcome (created, updated, unchanged, recreated, adopted, failed).");
        _syncDuration = meter.CreateHistogram<double>("vapisync.sync.duration", "s", "Duration of a sync, lock wait included.");
        _voiceNormalizations = meter.CreateCounter<long>("vapisync.voice.normalization.count", "{voice}", "Voices changed before sending, by rule.");
    }

    public void RecordSync(SyncOutcome outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("vapisync.outcome", SyncTelemetry.OutcomeName(outcome));
        _syncs.Add(1, tag);
        _syncDuration.Record(duration.TotalSeconds, tag);
    }

    public void RecordSyncFailure(Exception exception, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>("vapisync.outcome", "failed");
        var error = new KeyValuePair<string, object?>("error.type", exception is VapiApiException api ? ((int)api.StatusCode).ToString(CultureInfo.InvariantCulture) : exception.GetType().Name);
        _syncs.Add(1, outcome, error);
        _syncDuration.Record(duration.TotalSeconds, outcome, error);
    }

    public void RecordVoiceNormalization(VoiceRule? rule) =>
        _voiceNormalizations.Add(1, new KeyValuePair<string, object?>("vapisync.voice.rule", rule?.Reason ?? "settings dropped"));
}
