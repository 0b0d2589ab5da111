using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Http.Internal;

/// <summary>The instruments of requests to Vapi, on the library's <c>VapiSync.Client</c> meter (the factory hands back the one meter).</summary>
internal sealed class RequestMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _requests = meter.CreateCounter<long>("vapisync.request.count", "{request}", "Requests to Vapi by operation and status (0: no answer).");
        _requestDuration = meter.CreateHistogram<double>("vapisync.request.duration", "s", "Duration of a request to Vapi, retries included.");
    }

    public void RecordRequest(VapiOperation operation, int statusCode, TimeSpan duration)
    {
        var op = new KeyValuePair<string, object?>("vapisync.operation", operation.Name());
        var status = new KeyValuePair<string, object?>("http.response.status_code", statusCode);
        _requests.Add(1, op, status);
        _requestDuration.Record(duration.TotalSeconds, op, status);
    }
}
