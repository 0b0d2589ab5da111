using System.Collections.Concurrent;
using System.Net;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt. When Vapi answers 429 with <c>Retry-After</c>, it
/// records a pause for that account (told apart by key fingerprint, never the key). The pause is waited by
/// <see cref="RetryAfterPauses.WaitAsync"/> before a request enters the pipeline, outside the attempt timeout: a bulk
/// sync slows down as a whole instead of each request discovering the limit, and a request that waits its turn is
/// never mistaken for one Vapi did not answer in time.
/// </summary>
internal sealed class RetryAfterGate(RetryAfterPauses pauses, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests && RetryAfterHeader.Read(response, time) is { } delay && delay > TimeSpan.Zero
            && request.Headers.Authorization?.Parameter is { } key)
        {
            pauses.Pause(Credentials.VapiCredential.ComputeFingerprint(key), delay);
        }

        return response;
    }
}

/// <summary>The accounts' pauses, shared by every handler chain of the client (handlers themselves cannot be shared).</summary>
internal sealed class RetryAfterPauses(TimeProvider time)
{
    /// <summary>A misbehaving server must not be able to park every call for hours.</summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    /// <summary>Pauses the account until <paramref name="delay"/> from now (at most <see cref="MaxPause"/>), unless it is already paused longer.</summary>
    public void Pause(string fingerprint, TimeSpan delay)
    {
        var next = time.GetUtcNow() + (delay < MaxPause ? delay : MaxPause);
        _until.AddOrUpdate(fingerprint, next, (_, current) => current > next ? current : next);
    }

    /// <summary>Gets a value indicating whether no account has a pause recorded (expired ones may linger until read).</summary>
    public bool IsEmpty => _until.IsEmpty;

    /// <summary>How long the account is still paused, or <see cref="TimeSpan.Zero"/>.</summary>
    public TimeSpan Remaining(string fingerprint)
    {
        // The common case, no account paused, costs one emptiness check.
        if (_until.IsEmpty || !_until.TryGetValue(fingerprint, out var until))
        {
            return TimeSpan.Zero;
        }

        var left = until - time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            return left;
        }

        _until.TryRemove(new KeyValuePair<string, DateTimeOffset>(fingerprint, until));
        return TimeSpan.Zero;
    }

    /// <summary>
    /// Waits out the account's pause before a request is sent. A pause longer than <paramref name="budget"/> (the
    /// request's total timeout) is not waited: the request fails at once, never sent, with the time left to wait.
    /// </summary>
    /// <returns><see langword="null"/> when the request may go; otherwise how long the account is still paused.</returns>
    public async ValueTask<TimeSpan?> WaitAsync(string fingerprint, TimeSpan budget, CancellationToken cancellationToken)
    {
        // Loop: while this request waited, another one's 429 may have extended the pause.
        var waited = TimeSpan.Zero;
        for (var left = Remaining(fingerprint); left > TimeSpan.Zero; left = Remaining(fingerprint))
        {
            if (waited + left > budget)
            {
                return left;
            }

            await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
            waited += left;
        }

        return null;
    }
}
