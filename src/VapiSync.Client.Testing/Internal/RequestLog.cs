using Microsoft.AspNetCore.Http;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Testing.Internal;

/// <summary>Every request received, in order; keys only as fingerprints.</summary>
internal sealed class RequestLog(FakeVapiServerOptions options)
{
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    public void Record(HttpRequest request, string path, string body, string? key, int status, Fault? fault)
    {
        if (!options.RecordRequests)
        {
            return;
        }

        var recorded = new RecordedRequest(
            request.Method,
            path,
            request.QueryString.Value ?? string.Empty,
            key is null ? null : VapiCredential.ComputeFingerprint(key),
            options.RecordBodies && body.Length > 0 ? body : null,
            status,
            fault?.ToString(),
            options.TimeProvider.GetUtcNow());
        lock (_requests)
        {
            _requests.Add(recorded);
        }
    }
}
