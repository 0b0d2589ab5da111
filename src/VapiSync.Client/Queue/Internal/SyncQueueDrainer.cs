using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// Claims due items under a lease and applies them through <see cref="IVapiAssistantManager"/>, at most
/// <see cref="SyncQueueOptions.MaxDegreeOfParallelism"/> at once. While the breaker is open it claims nothing; an item
/// that meets a pause is released without using an attempt. On shutdown it stops claiming and lets in-flight items
/// finish; when the host's shutdown timeout ends first, they are cancelled and released to the queue.
/// </summary>
internal sealed class SyncQueueDrainer(
    ISyncQueueStore store,
    IVapiAssistantManager manager,
    IVapiAvailability availability,
    SyncQueueSignal enqueued,
    ClaimedItems claims,
    CompletionBroadcaster broadcaster,
    IEnumerable<IVapiSyncQueueObserver> observers,
    SyncQueueMetrics metrics,
    IOptions<SyncQueueOptions> options,
    TimeProvider time,
    ILogger<SyncQueueDrainer> logger,
    SyncQueueDrainerProbe? probe = null) : BackgroundService
{
    /// <summary>
    /// A claimed item last checked against the store longer ago than this is re-read just before it is sent (one
    /// renewal), since another instance may have enqueued a newer version meanwhile. Items handed to a worker at claim
    /// time, the usual case while the queue drains, are fresher than this and cost nothing more.
    /// </summary>
    internal static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(1);

    private readonly SyncQueueOptions _options = options.Value;
    private readonly IVapiSyncQueueObserver[] _observers = [.. observers];
    private readonly CancellationTokenSource _abort = new();
    private readonly SyncQueueSignal _slotFreed = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>How many of the running workers gave their place up (their item waits, see <see cref="ParallelismSlot"/>); guarded by <see cref="_running"/>.</summary>
    private int _yielded;

    /// <summary>Claimed items waiting for a worker, their claims already renewed; guarded by <see cref="_running"/>.</summary>
    private readonly Queue<ClaimLease> _ready = new();
    private bool _accepting = true;
    private CancellationToken _stopping;
#pragma warning disable CA5394 // Jitter, not security.
    private readonly Random _random = new();
#pragma warning restore CA5394
    private DateTimeOffset _nextStatistics;
    private int _released;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout cancels in-flight syncs; they then release their items instead of finishing.
        await using (cancellationToken.Register(_abort.Cancel).ConfigureAwait(false))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (ExecuteTask is { IsCompleted: false } execute)
        {
            // The releases are short store writes; bound the wait so a dead store cannot hold the host.
            await execute.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _abort.Cancel();
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.DrainerEnabled)
        {
            return;
        }

        _stopping = stoppingToken;

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await DrainOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }

        Task[] running;
        ClaimLease[] waiting;
        lock (_running)
        {
            _accepting = false;
            running = [.. _running];
            waiting = [.. _ready];
            _ready.Clear();
        }

        // Claimed but not started: given back at once, without using an attempt.
        foreach (var lease in waiting)
        {
            claims.Remove(lease);
            await using (lease.ConfigureAwait(false))
            {
                Interlocked.Increment(ref _released);
                await SettleAsync(lease, "released", s => s.ReleaseAsync(lease.Item, time.GetUtcNow(), time.GetUtcNow())).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        SyncQueueLog.Stopped(logger, _released);
    }

    /// <summary>
    /// One round of the claim loop. It keeps up to <see cref="SyncQueueOptions.MaxDegreeOfParallelism"/> items running
    /// and as many again claimed ahead (their claims renewed while they wait), so a worker that finishes an item starts
    /// the next one at once, without a store round trip or a wake-up of this loop in between; the loop tops the buffer
    /// up in batches (when half of it was used) while the workers run, so claims overlap the syncs.
    /// </summary>
    private async Task DrainOnceAsync(CancellationToken stoppingToken)
    {
        await RefreshStatisticsAsync(stoppingToken).ConfigureAwait(false);
        await availability.WaitUntilCallableAsync(stoppingToken).ConfigureAwait(false);
        enqueued.Reset();
        _slotFreed.Reset();
        var parallelism = _options.MaxDegreeOfParallelism;
        int want, waiting;
        lock (_running)
        {
            waiting = _ready.Count;
            want = (2 * parallelism) - (_running.Count - _yielded) - waiting;
        }

        if (want <= 0 || (waiting > 0 && want < (parallelism + 1) / 2))
        {
            await _slotFreed.WaitAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<SyncQueueWorkItem> claimed;
        try
        {
            claimed = await store.ClaimAsync(want, _options.LeaseDuration, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Any failure of the store, a timeout of its own (an OperationCanceledException) included: the drainer
            // waits and claims again; only the host stopping ends the loop.
            SyncQueueLog.StoreFailed(logger, ex, _options.PollInterval);
            var retry = Task.Delay(_options.PollInterval, time, stoppingToken);
            probe?.Idle();
            await retry.ConfigureAwait(false);
            return;
        }

        foreach (var item in claimed)
        {
            var lease = new ClaimLease(store, item, _options.LeaseDuration, time, logger, probe is null ? null : probe.RenewalArmed);
            claims.Add(lease);
            Dispatch(lease);
        }

        if (claimed.Count < want)
        {
            // Nothing more is due: sleep until this instance enqueues, a slot frees (its item may have a successor), or the poll.
            await WaitAnyAsync(enqueued.WaitAsync(), _slotFreed.WaitAsync(), stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WaitAnyAsync(Task first, Task second, CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(_options.PollInterval, time, poll.Token);
        probe?.Idle();
        await Task.WhenAny(first, second, delay).ConfigureAwait(false);
        await poll.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>Starts a worker for the claimed item when fewer than the bound run, else queues it for the next free worker.</summary>
    private void Dispatch(ClaimLease lease)
    {
        lock (_running)
        {
            if (_running.Count - _yielded >= _options.MaxDegreeOfParallelism)
            {
                _ready.Enqueue(lease);
                return;
            }

            StartWorker(lease);
        }
    }

    /// <summary>Called under the <see cref="_running"/> lock.</summary>
    private void StartWorker(ClaimLease lease)
    {
        var worker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running.Add(worker.Task);

        // Called from the claim loop or from inside an item that gave its place up: the new worker must not run in that
        // item's execution context (its Activity.Current would parent an unrelated sync, its log scopes would leak).
        Detached.Start(() => _ = RunAsync(lease, worker));
    }

    /// <summary>
    /// A worker: processes its item, then the next claimed one while any waits, then ends. A worker whose item gave its
    /// place up (a create waiting for its convergence listing, see <see cref="ParallelismSlot"/>) has started another
    /// worker in its stead and ends with that item.
    /// </summary>
    private async Task RunAsync(ClaimLease lease, TaskCompletionSource worker)
    {
        await Task.Yield(); // the claim loop goes on while this worker runs
        var next = lease;
        while (true)
        {
            var place = new WorkerPlace(this);
            ParallelismSlot.Enter(place);
            await ProcessAsync(next).ConfigureAwait(false);
            lock (_running)
            {
                if (place.GaveUp)
                {
                    _yielded--;
                    _running.Remove(worker.Task);
                    next = null;
                }
                else if (!_accepting || _stopping.IsCancellationRequested || !_ready.TryDequeue(out next))
                {
                    _running.Remove(worker.Task);
                    next = null;
                }
            }

            _slotFreed.Set();
            if (next is null)
            {
                worker.TrySetResult();
                return;
            }
        }
    }

    /// <summary>A worker's place: given up, it no longer counts against the bound and the next claimed item starts.</summary>
    private sealed class WorkerPlace(SyncQueueDrainer drainer) : ParallelismSlot
    {
        public bool GaveUp { get; private set; }

        protected override void Release()
        {
            lock (drainer._running)
            {
                GaveUp = true;
                drainer._yielded++;
                if (drainer._accepting && !drainer._stopping.IsCancellationRequested && drainer._ready.TryDequeue(out var next))
                {
                    drainer.StartWorker(next);
                }
            }

            drainer._slotFreed.Set();
        }
    }

    private async Task ProcessAsync(ClaimLease lease)
    {
        // The claim is renewed from the moment it was taken; when it is taken over or cannot be renewed in time, the
        // sync is cancelled before the lease ends, so another claimer never applies the same item at the same time.
        await using (lease.ConfigureAwait(false))
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, lease.Lost);
            try
            {
                await ProcessAsync(lease, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Every path settles its own failures; nothing may escape a worker and stop it silently.
                SyncQueueLog.StoreFailed(logger, ex, _options.LeaseDuration);
            }
            finally
            {
                claims.Remove(lease);
            }
        }
    }

    private async Task ProcessAsync(ClaimLease lease, CancellationToken token)
    {
        var item = lease.Item;
        try
        {
            var pause = await availability.WaitForAsync(item.OrganizationId, token).ConfigureAwait(false);
            if (pause > TimeSpan.Zero)
            {
                await SettleAsync(lease, "deferred", s => s.ReleaseAsync(item, time.GetUtcNow() + pause, time.GetUtcNow())).ConfigureAwait(false);
                return;
            }

            if (await LatestAsync(lease, token).ConfigureAwait(false) is not { } latest)
            {
                return;
            }

            item = latest;
            var completion = await ApplyAsync(item, token).ConfigureAwait(false);

            // Observers hear before the write while the lease holds (a crash in between repeats the notice, never loses
            // it). Once the lease was lost mid-sync another claimer may have applied and reported the item, so then only
            // a write the store still accepts is reported: each landed version is reported once.
            var leaseHeld = lease.IsHeld;
            if (leaseHeld)
            {
                await NotifyAsync(completion, token).ConfigureAwait(false);
            }

            var entry = await SettleAsync(lease, "synced", s => s.CompleteAsync(item, completion.AssistantId, completion.Outcome, completion.CompletedAt)).ConfigureAwait(false);
            if (entry is not null)
            {
                if (!leaseHeld)
                {
                    await NotifyAsync(completion, token).ConfigureAwait(false);
                }

                // The stream reports what the queue now shows: a reader that looks up the item sees it synced.
                broadcaster.Publish(completion);

                if (item.PendingSince is { } since)
                {
                    metrics.RecordLatency(completion.CompletedAt - since);
                }
            }
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            if (lease.WasTaken)
            {
                // Another drainer holds the item now: any write here would be refused.
                metrics.RecordCompletion("lease_lost");
                return;
            }

            // The store could not renew the claim in time: give it back (uses no attempt) while it may still hold.
            await SettleAsync(lease, "released", s => s.ReleaseAsync(item, time.GetUtcNow(), time.GetUtcNow())).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Interlocked.Increment(ref _released);
            await SettleAsync(lease, "released", s => s.ReleaseAsync(item, time.GetUtcNow(), time.GetUtcNow())).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await HandleFailureAsync(lease, ex, token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The version to send: the claimed one, unless a newer save or a deletion was accepted while the item waited claimed
    /// ahead; then the claim is renewed and the agent's latest version taken instead, so Vapi never goes back to an
    /// older definition. <see langword="null"/> when the item was settled here (its claim taken, or the store failed).
    /// </summary>
    private async Task<SyncQueueWorkItem?> LatestAsync(ClaimLease lease, CancellationToken token)
    {
        var claimed = lease.Item;
        if (!lease.MayBeStale(RecheckAfter))
        {
            return claimed;
        }

        try
        {
            if (!await lease.RefreshAsync(token).ConfigureAwait(false))
            {
                metrics.RecordCompletion("lease_lost");
                return null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unsure which version is the latest: give the item back, due now, without using an attempt.
            SyncQueueLog.StoreFailed(logger, ex, TimeSpan.Zero);
            await SettleAsync(lease, "released", s => s.ReleaseAsync(claimed, time.GetUtcNow(), time.GetUtcNow())).ConfigureAwait(false);
            return null;
        }

        var latest = lease.Item;
        if (latest.Version != claimed.Version)
        {
            SyncQueueLog.Superseded(logger, latest.OrganizationId, latest.AgentKey, claimed.Version, latest.Version, latest.Operation);
        }

        return latest;
    }

    private async Task<SyncQueueCompletion> ApplyAsync(SyncQueueWorkItem item, CancellationToken token)
    {
        if (item.Operation == SyncQueueOperation.Save)
        {
            var request = item.Request ?? throw new InvalidOperationException("A queued save carries no definition.");
            var result = await manager.EnsureAssistantAsync(request, token).ConfigureAwait(false);
            SyncQueueLog.Applied(logger, item.OrganizationId, item.AgentKey, item.Operation, item.Version, result.AssistantId, result.Outcome.ToString());
            return Completion(item, SyncQueueState.Synced) with { AssistantId = result.AssistantId, Outcome = result.Outcome };
        }

        var deleted = await manager.DeleteAssistantAsync(item.OrganizationId, item.AgentKey, token).ConfigureAwait(false);
        SyncQueueLog.Applied(logger, item.OrganizationId, item.AgentKey, item.Operation, item.Version, null, deleted ? "deleted" : "none to delete");
        return Completion(item, SyncQueueState.Synced) with { Deleted = deleted };
    }

    private async Task HandleFailureAsync(ClaimLease lease, Exception exception, CancellationToken token)
    {
        var item = lease.Item;
        var now = time.GetUtcNow();
        var (kind, error) = SyncQueueFailure.Classify(exception, now);
        var attempt = item.Attempts + 1;
        if (kind == SyncQueueFailureKind.Deferred)
        {
            var wait = await availability.WaitForAsync(item.OrganizationId, CancellationToken.None).ConfigureAwait(false);
            var asked = exception is VapiApiException { RetryAfter: { } retryAfter } ? retryAfter : TimeSpan.Zero;
            var retryAt = now + Max(Min(Max(wait, asked), _options.MaxRetryAfterPause), _options.BreakerCheckInterval);
            SyncQueueLog.Deferred(logger, item.OrganizationId, item.AgentKey, retryAt, error.ErrorCode);
            await SettleAsync(lease, "deferred", s => s.ReleaseAsync(item, retryAt, now)).ConfigureAwait(false);
        }
        else if (kind == SyncQueueFailureKind.Transient && !(attempt >= _options.MaxAttempts))
        {
            var retryAt = now + SyncQueueFailure.Backoff(attempt, _options, _random);
            SyncQueueLog.Failed(logger, exception, item.OrganizationId, item.AgentKey, item.Operation, attempt, error.ErrorCode, retryAt);
            await SettleAsync(lease, "failed", s => s.FailAsync(item, error, retryAt, now)).ConfigureAwait(false);
        }
        else
        {
            var reason = kind == SyncQueueFailureKind.Transient
                ? $"Gave up after {attempt} attempts; the last failed with {error.ErrorCode}: {error.Message}"
                : SyncQueueFailure.ParkReason(exception, error);
            SyncQueueLog.Parked(logger, exception, item.OrganizationId, item.AgentKey, item.Operation, reason);
            var leaseHeld = lease.IsHeld;
            var parked = Completion(item, SyncQueueState.Parked) with { Error = error };
            if (leaseHeld)
            {
                await NotifyAsync(parked, token).ConfigureAwait(false);
            }

            if (await SettleAsync(lease, "parked", s => s.ParkAsync(item, error, reason, now)).ConfigureAwait(false) is not null)
            {
                if (!leaseHeld)
                {
                    await NotifyAsync(parked, token).ConfigureAwait(false);
                }

                broadcaster.Publish(parked);
            }
        }
    }

    /// <summary>Writes the result back. The write runs even while shutting down: losing it would only repeat the work, but it is cheap.</summary>
    private async Task<SyncQueueEntry?> SettleAsync(ClaimLease lease, string result, Func<ISyncQueueStore, ValueTask<SyncQueueEntry?>> write)
    {
        var item = lease.Item;
        await lease.StopAsync().ConfigureAwait(false);
        SyncQueueEntry? entry;
        try
        {
            entry = await write(store).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires and another claim settles the item: nothing is lost, the work may be repeated.
            SyncQueueLog.StoreFailed(logger, ex, _options.LeaseDuration);
            return null;
        }

        if (entry is null)
        {
            SyncQueueLog.LeaseLost(logger, item.OrganizationId, item.AgentKey);
            metrics.RecordCompletion("lease_lost");
            return null;
        }

        metrics.RecordCompletion(result == "synced" && entry.Version != item.Version ? "superseded" : result);
        return entry;
    }

    private async Task NotifyAsync(SyncQueueCompletion completion, CancellationToken token)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnCompletedAsync(completion, token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The item is applied either way; an observer's failure (or its cancellation at shutdown) must not undo that.
                SyncQueueLog.ObserverFailed(logger, ex, completion.OrganizationId, completion.AgentKey);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private SyncQueueCompletion Completion(SyncQueueWorkItem item, SyncQueueState state) => new()
    {
        OrganizationId = item.OrganizationId,
        AgentKey = item.AgentKey,
        Operation = item.Operation,
        Version = item.Version,
        State = state,
        CompletedAt = time.GetUtcNow(),
    };

    private async Task RefreshStatisticsAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextStatistics)
        {
            return;
        }

        _nextStatistics = now + _options.StatisticsInterval;
        try
        {
            metrics.Update(await store.GetStatisticsAsync(now, stoppingToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            SyncQueueLog.StoreFailed(logger, ex, _options.StatisticsInterval);
        }
    }
}
