using System.Collections.Concurrent;
using System.Net;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt. When Vapi answers 429 with <c>Retry-After</c>, every
/// later attempt with the same key waits until then: a bulk sync slows down as a whole instead of each request
/// discovering the limit (and spending a retry) on its own. Keys are told apart by fingerprint, never kept.
/// </summary>
internal sealed class RetryAfterGate(RetryAfterPauses pauses, TimeProvider time) : DelegatingHandler
{
    /// <summary>A misbehaving server must not be able to park every call for hours.</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(60);

    private ConcurrentDictionary<string, DateTimeOffset> PausedUntil => pauses.Until;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The common case, no account paused, costs one emptiness check.
        if (!PausedUntil.IsEmpty && PausedUntil.TryGetValue(Account(request), out var until) && until - time.GetUtcNow() is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests && RetryAfterHeader.Read(response, time) is { } delay && delay > TimeSpan.Zero)
        {
            var next = time.GetUtcNow() + (delay < MaxPause ? delay : MaxPause);
            PausedUntil.AddOrUpdate(Account(request), next, (_, current) => current > next ? current : next);
        }

        return response;
    }

    private static string Account(HttpRequestMessage request) =>
        request.Headers.Authorization?.Parameter is { } key ? Credentials.VapiCredential.ComputeFingerprint(key) : string.Empty;
}

/// <summary>The pauses, shared by every handler chain of the client (handlers themselves cannot be shared).</summary>
internal sealed class RetryAfterPauses
{
    public ConcurrentDictionary<string, DateTimeOffset> Until { get; } = new(StringComparer.Ordinal);
}
