using System.Diagnostics.Metrics;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Diagnostics;

/// <summary>
/// The library's instruments on the <c>VapiSync.Client</c> meter, named after OpenTelemetry's conventions. Tags are
/// low-cardinality by design: never an organization id, agent key or API key.
/// </summary>
internal sealed class VapiSyncMetrics
{
    private readonly Counter<long> _syncs;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _voiceNormalizations;
    private readonly Counter<long> _credentialResolutions;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;

    public VapiSyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _syncs = meter.CreateCounter<long>("vapisync.sync.count", "{sync}", "Syncs by outcome (created, updated, unchanged, recreated, adopted, failed).");
        _syncDuration = meter.CreateHistogram<double>("vapisync.sync.duration", "s", "Duration of a sync, lock wait included.");
        _voiceNormalizations = meter.CreateCounter<long>("vapisync.voice.normalization.count", "{voice}", "Voices changed before sending, by rule.");
        _credentialResolutions = meter.CreateCounter<long>("vapisync.credential.resolution.count", "{resolution}", "Credential lookups by the source that supplied the key.");
        _requests = meter.CreateCounter<long>("vapisync.request.count", "{request}", "Requests to Vapi by operation and status (0: no answer).");
        _requestDuration = meter.CreateHistogram<double>("vapisync.request.duration", "s", "Duration of a request to Vapi, retries included.");
        meter.CreateObservableGauge(
            "vapisync.circuit.state",
            () => CircuitState?.Invoke() ?? 0,
            "{state}",
            "The circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>Set by the circuit breaker facade so the gauge reads the live state.</summary>
    public Func<int>? CircuitState { get; set; }

    public void RecordSync(SyncOutcome outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("vapisync.outcome", VapiSyncTelemetry.OutcomeName(outcome));
        _syncs.Add(1, tag);
        _syncDuration.Record(duration.TotalSeconds, tag);
    }

    public void RecordSyncFailure(Exception exception, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>("vapisync.outcome", "failed");
        var error = new KeyValuePair<string, object?>("error.type", exception is VapiApiException api ? ((int)api.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : exception.GetType().Name);
        _syncs.Add(1, outcome, error);
        _syncDuration.Record(duration.TotalSeconds, outcome, error);
    }

    public void RecordVoiceNormalization(VoiceRule? rule) =>
        _voiceNormalizations.Add(1, new KeyValuePair<string, object?>("vapisync.voice.rule", rule?.Reason ?? "settings dropped"));

    public void RecordCredential(string source, bool fellThrough, bool afterFailure) =>
        _credentialResolutions.Add(
            1,
            new("vapisync.credential.source", source),
            new("vapisync.credential.fell_through", fellThrough),
            new("vapisync.credential.after_failure", afterFailure));

    public void RecordRequest(VapiOperation operation, int statusCode, TimeSpan duration)
    {
        var op = new KeyValuePair<string, object?>("vapisync.operation", operation.Name());
        var status = new KeyValuePair<string, object?>("http.response.status_code", statusCode);
        _requests.Add(1, op, status);
        _requestDuration.Record(duration.TotalSeconds, op, status);
    }
}
