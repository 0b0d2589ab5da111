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

    /// <summary>UTC ticks when the last recorded pause ends: from then on every entry is expired and can be swept.</summary>
    private long _latestUntil;

    /// <summary>UTC ticks of the next sweep a <see cref="Pause"/> makes, so accounts paused once are not kept forever.</summary>
    private long _nextSweep;

    private int _sweeping;

    /// <summary>Pauses the account until <paramref name="delay"/> from now (at most <see cref="MaxPause"/>), unless it is already paused longer.</summary>
    public void Pause(string fingerprint, TimeSpan delay)
    {
        var now = time.GetUtcNow();
        var next = now + (delay < MaxPause ? delay : MaxPause);
        _until.AddOrUpdate(fingerprint, next, (_, current) => current > next ? current : next);
        for (var latest = Interlocked.Read(ref _latestUntil); next.UtcTicks > latest; latest = Interlocked.Read(ref _latestUntil))
        {
            if (Interlocked.CompareExchange(ref _latestUntil, next.UtcTicks, latest) == latest)
            {
                break;
            }
        }

        // Every pause ends within MaxPause: sweeping that often bounds the map to the accounts paused lately.
        if (now.UtcTicks >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, (now + MaxPause).UtcTicks);
            Sweep(now);
        }
    }

    /// <summary>
    /// Gets a value indicating whether any account may still be paused. Once the last recorded pause has ended, the
    /// expired entries are dropped, so an account paused once does not cost its callers a lookup forever.
    /// </summary>
    public bool AnyPaused()
    {
        if (_until.IsEmpty)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _latestUntil))
        {
            return true;
        }

        Sweep(now);
        return !_until.IsEmpty;
    }

    /// <summary>Gets how many accounts have a pause recorded, expired ones included.</summary>
    internal int Count => _until.Count;

    /// <summary>Drops the pauses that ended; one sweeper at a time, a pause extended meanwhile is kept.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var (fingerprint, until) in _until)
            {
                if (until <= now)
                {
                    _until.TryRemove(new KeyValuePair<string, DateTimeOffset>(fingerprint, until));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

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
