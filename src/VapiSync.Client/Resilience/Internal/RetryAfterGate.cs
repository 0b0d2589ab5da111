using System.Collections.Concurrent;
using System.Net;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>
/// Runs inside the resilience pipeline (from <see cref="ResponseBufferingHandler"/>), so it sees every attempt. When Vapi
/// answers 429 with <c>Retry-After</c>, it records a pause for that account (told apart by key fingerprint, never the
/// key). The pause is waited by <see cref="RetryAfterPauses.WaitAsync"/> before a request enters the pipeline, outside
/// the attempt timeout: a bulk sync slows down as a whole instead of each request discovering the limit, and a request
/// that waits its turn is never mistaken for one Vapi did not answer in time.
/// </summary>
internal static class RetryAfterGate
{
    public static void Record(RetryAfterPauses pauses, TimeProvider time, HttpRequestMessage request, HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests && RetryAfterHeader.Read(response, time) is { } delay && delay > TimeSpan.Zero
            && request.Headers.Authorization?.Parameter is { } key)
        {
            pauses.Pause(Credentials.VapiCredential.ComputeFingerprint(key), delay);
        }
    }
}

/// <summary>The accounts' pauses, shared by every handler chain of the client (handlers themselves cannot be shared).</summary>
/// <remarks>
/// Each pause is kept as the server asked (up to <see cref="MaxRecordedPause"/>), with two views: a synchronous request
/// waits at most <see cref="MaxPause"/> of it (and never past its total timeout), while the queue, which can defer an
/// item cheaply, honours it up to its own configured maximum, so it does not call Vapi while Vapi still says paused.
/// </remarks>
internal sealed class RetryAfterPauses(TimeProvider time)
{
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A misbehaving server must not be able to park every synchronous call for hours.</summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(60);

    /// <summary>The longest pause recorded at all, whatever <c>Retry-After</c> says; the queue's own maximum is at most this.</summary>
    internal static readonly TimeSpan MaxRecordedPause = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, AccountPause> _until = new(StringComparer.Ordinal);

    /// <summary>UTC ticks when the last recorded pause ends: from then on every entry is expired and can be swept.</summary>
    private long _latestUntil;

    /// <summary>UTC ticks of the next sweep a <see cref="Pause"/> makes, so accounts paused once are not kept forever.</summary>
    private long _nextSweep;

    private int _sweeping;

    /// <summary>Pauses the account until <paramref name="delay"/> from now (at most <see cref="MaxRecordedPause"/>), unless it is already paused longer.</summary>
    public void Pause(string fingerprint, TimeSpan delay)
    {
        var now = time.GetUtcNow();
        var pause = new AccountPause(now + Min(delay, MaxRecordedPause), now + Min(delay, MaxPause), now);
        _until.AddOrUpdate(fingerprint, pause, (_, current) => current.Merge(pause));
        var next = pause.Until;
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
            foreach (var (fingerprint, pause) in _until)
            {
                if (pause.Until <= now)
                {
                    _until.TryRemove(new KeyValuePair<string, AccountPause>(fingerprint, pause));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>How long a synchronous request still waits for the account (its pause, at most <see cref="MaxPause"/> of it), or <see cref="TimeSpan.Zero"/>.</summary>
    public TimeSpan Remaining(string fingerprint) => Left(fingerprint, static (pause, _) => pause.SyncUntil, default);

    /// <summary>
    /// How long the account is still paused as the server asked, at most <paramref name="max"/> from when the pause was
    /// recorded (so a huge <c>Retry-After</c> is not honoured again at every check), or <see cref="TimeSpan.Zero"/>.
    /// </summary>
    public TimeSpan Remaining(string fingerprint, TimeSpan max) => Left(fingerprint, static (pause, max) => Min(pause.Until, pause.Since + max), max);

    private TimeSpan Left(string fingerprint, Func<AccountPause, TimeSpan, DateTimeOffset> end, TimeSpan max)
    {
        // The common case, no account paused, costs one emptiness check.
        if (_until.IsEmpty || !_until.TryGetValue(fingerprint, out var pause))
        {
            return TimeSpan.Zero;
        }

        var now = time.GetUtcNow();
        if (pause.Until <= now)
        {
            _until.TryRemove(new KeyValuePair<string, AccountPause>(fingerprint, pause));
            return TimeSpan.Zero;
        }

        var left = end(pause, max) - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
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

/// <summary>
/// One account's pause: <see cref="Until"/> as the server asked (from <see cref="Since"/>), and <see cref="SyncUntil"/>
/// capped at <see cref="RetryAfterPauses.MaxPause"/> for synchronous requests. Merging keeps the later of each.
/// </summary>
internal readonly record struct AccountPause(DateTimeOffset Until, DateTimeOffset SyncUntil, DateTimeOffset Since)
{
    public AccountPause Merge(AccountPause other) => new(
        other.Until > Until ? other.Until : Until,
        other.SyncUntil > SyncUntil ? other.SyncUntil : SyncUntil,
        other.Until > Until ? other.Since : Since);
}
