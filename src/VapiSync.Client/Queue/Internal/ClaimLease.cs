using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// The lease of one claimed item while this drainer processes it. A background loop renews it every third of its
/// duration, one short store statement each with nothing held in between (like the PostgreSQL state store's agent
/// leases). <see cref="Lost"/> fires when a renewal finds the claim taken (claimed again, or handed back by an enqueue
/// after it expired), or when no renewal succeeded before the lease's safety margin: past that point another drainer may
/// claim the item, so processing here stops and the item is never processed twice at once.
/// </summary>
internal sealed class ClaimLease : IAsyncDisposable
{
    private readonly ISyncQueueStore _store;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _margin;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _expiring;
    private readonly CancellationTokenSource _taken = new();
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenRegistration _expiringLog;
    private readonly Action? _armed;
    private readonly Task _renewing;
    private long _expiresAtTicks;
    private long _checkedAtTicks;
    private long _newerVersion;
    private int _stopped;
    private SyncQueueWorkItem _item;

    public ClaimLease(ISyncQueueStore store, SyncQueueWorkItem item, TimeSpan duration, TimeProvider time, ILogger logger, Action? armed = null)
    {
        _armed = armed;
        _store = store;
        _item = item;
        _checkedAtTicks = time.GetUtcNow().UtcTicks;
        _duration = duration;
        _margin = Margin(duration);
        _time = time;
        _logger = logger;
        _expiresAtTicks = item.LeaseExpiresAt.UtcTicks;

        // Fires at the expiry less the margin, moved on by every renewal: the time left to record the outcome.
        _expiring = new CancellationTokenSource(Until(item.LeaseExpiresAt), time);
        _lost = CancellationTokenSource.CreateLinkedTokenSource(_expiring.Token, _taken.Token);
        _expiringLog = _expiring.Token.Register(() => SyncQueueLog.ClaimExpiring(_logger, Item.OrganizationId, Item.AgentKey, ExpiresAt));
        _renewing = RenewAsync();
    }

    /// <summary>Gets the item: the claimed version, or the newer one <see cref="RefreshAsync"/> picked up before it was sent.</summary>
    public SyncQueueWorkItem Item => Volatile.Read(ref _item);

    /// <summary>Gets a token that fires when the claim is taken or about to expire unrenewed.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Gets a value indicating whether a renewal found the claim held by someone else (any write under it is refused).</summary>
    public bool WasTaken => _taken.IsCancellationRequested;

    /// <summary>Gets when the claim expires, as of its last renewal.</summary>
    public DateTimeOffset ExpiresAt => new(Interlocked.Read(ref _expiresAtTicks), TimeSpan.Zero);

    /// <summary>Gets a value indicating whether the claim still holds: not lost, and not expired.</summary>
    public bool IsHeld => !_lost.IsCancellationRequested && _time.GetUtcNow() < ExpiresAt;

    /// <summary>Time kept back from the lease to record the outcome before it expires: a tenth, at most 30 seconds.</summary>
    public static TimeSpan Margin(TimeSpan lease) => lease / 10 < TimeSpan.FromSeconds(30) ? lease / 10 : TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets a value indicating whether the item may no longer be the agent's latest version: this instance enqueued a
    /// newer one (<see cref="Supersede"/>), a renewal saw one, or the item was last checked against the store more than
    /// <paramref name="checkedWithin"/> ago (another instance may have enqueued one meanwhile).
    /// </summary>
    public bool MayBeStale(TimeSpan checkedWithin) =>
        Interlocked.Read(ref _newerVersion) > Item.Version
        || _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _checkedAtTicks) > checkedWithin.Ticks;

    /// <summary>Notes that the agent's version moved on to <paramref name="version"/> while the item is claimed.</summary>
    public void Supersede(long version)
    {
        for (var current = Interlocked.Read(ref _newerVersion); version > current; current = Interlocked.Read(ref _newerVersion))
        {
            if (Interlocked.CompareExchange(ref _newerVersion, version, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Renews the claim now and takes the agent's current version as the item (a newer save, or a deletion), so a sync
    /// that has not started sends what was last accepted. One store statement, fenced like every renewal.
    /// </summary>
    /// <returns><see langword="false"/> when the claim was taken (nothing may be written under it).</returns>
    public async ValueTask<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (await _store.RenewAsync(Item, _duration, now, cancellationToken).ConfigureAwait(false) is not { } renewed)
        {
            SyncQueueLog.ClaimTaken(_logger, Item.OrganizationId, Item.AgentKey);
            await _taken.CancelAsync().ConfigureAwait(false);
            return false;
        }

        Volatile.Write(ref _item, renewed);
        Renewed(renewed, now);
        return true;
    }

    /// <summary>Stops renewing, before the outcome is written (a renewal after it would find the claim gone).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _expiringLog.DisposeAsync().ConfigureAwait(false);
        _lost.Dispose();
        _expiring.Dispose();
        _taken.Dispose();
        _stopping.Dispose();
    }

    private void Renewed(SyncQueueWorkItem renewed, DateTimeOffset now)
    {
        Interlocked.Exchange(ref _expiresAtTicks, renewed.LeaseExpiresAt.UtcTicks);
        Interlocked.Exchange(ref _checkedAtTicks, now.UtcTicks);
        _expiring.CancelAfter(Until(renewed.LeaseExpiresAt));
    }

    private TimeSpan Until(DateTimeOffset expiresAt)
    {
        var left = expiresAt - _margin - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task RenewAsync()
    {
        var interval = _duration / 3;
        while (true)
        {
            // Most items end before their first renewal: stopping must not cost an exception each.
            var delay = Task.Delay(interval, _time, _stopping.Token);
            _armed?.Invoke();
            await delay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_stopping.IsCancellationRequested || _lost.IsCancellationRequested)
            {
                return;
            }

            try
            {
                // A renewal that hangs (partition, blackholed TCP) is abandoned when the claim counts as lost.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, _lost.Token);
                var now = _time.GetUtcNow();
                if (await _store.RenewAsync(Item, _duration, now, attempt.Token).ConfigureAwait(false) is not { } renewed)
                {
                    SyncQueueLog.ClaimTaken(_logger, Item.OrganizationId, Item.AgentKey);
                    await _taken.CancelAsync().ConfigureAwait(false);
                    return;
                }

                // A waiting item that a newer version replaced is refreshed before it is sent; a running one is not changed.
                Supersede(renewed.Version);
                Renewed(renewed, now);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_stopping.IsCancellationRequested || _lost.IsCancellationRequested)
                {
                    return;
                }

                // Tried again at the next interval while the claim holds; _expiring ends processing in time otherwise.
                SyncQueueLog.ClaimRenewalFailed(_logger, ex, Item.OrganizationId, Item.AgentKey);
            }
        }
    }
}
