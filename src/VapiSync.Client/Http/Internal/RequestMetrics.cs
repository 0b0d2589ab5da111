using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Http.Internal;

/// <summary>The instruments of requests to Vapi, on the library's <c>VapiSync.Client</c> meter (the factory hands back the one meter).</summary>
internal sealed class RequestMetrics
{
    /// <summary>The statuses Vapi answers with, boxed once: a tag's value is an object, and boxing it per request is garbage.</summary>
    private static readonly object[] BoxedStatuses = BoxStatuses();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _requests = meter.CreateCounter<long>("vapisync.request.count", "{request}", "Requests to Vapi by operation and status (0: no answer).");
        _requestDuration = meter.CreateHistogram<double>("vapisync.request.duration", "s", "Duration of a request to Vapi, retries included.");
    }

    /// <summary>Records one request; with no listener on either instrument (the common case) it costs two flag reads.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="statusCode">The status Vapi answered, 0 for none.</param>
    /// <param name="time">The clock <paramref name="startedAt"/> was read from.</param>
    /// <param name="startedAt">The timestamp when the request started.</param>
    public void RecordRequest(VapiOperation operation, int statusCode, TimeProvider time, long startedAt)
    {
        if (!_requests.Enabled && !_requestDuration.Enabled)
        {
            return;
        }

        var op = new KeyValuePair<string, object?>("vapisync.operation", operation.Name());
        var status = new KeyValuePair<string, object?>("http.response.status_code", Box(statusCode));
        _requests.Add(1, op, status);
        _requestDuration.Record(time.GetElapsedTime(startedAt).TotalSeconds, op, status);
    }

    internal static object Box(int statusCode) => (uint)statusCode < (uint)BoxedStatuses.Length ? BoxedStatuses[statusCode] : statusCode;

    private static object[] BoxStatuses()
    {
        var boxed = new object[600];
        for (var i = 0; i < boxed.Length; i++)
        {
            boxed[i] = i;
        }

        return boxed;
    }
}
