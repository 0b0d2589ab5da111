using Microsoft.Extensions.Logging;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// A held lease row. While held, a background loop renews it every third of its duration (one short statement each,
/// no connection kept in between); when a renewal finds the row taken by a newer token, or no renewal succeeded for a
/// whole lease duration, <see cref="Lost"/> fires. It carries the agent's state read in the same round trip as the
/// take, and can write the new state and release the row in one statement; otherwise disposing stops the loop and
/// releases the row.
/// </summary>
internal sealed class Lease : IAssistantSyncLease
{
    private readonly ILeaseRows _rows;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _duration;
    private readonly Action _leaveQueue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;
    private readonly StateRead? _prefetched;
    private int _disposed;
    private int _completing;
    private bool _released;

    public Lease(ILeaseRows rows, string organizationId, string agentKey, long fencingToken, TimeSpan duration, TimeProvider time, ILogger logger, Action leaveQueue, StateRead? prefetched = null)
    {
        _prefetched = prefetched;
        _rows = rows;
        OrganizationId = organizationId;
        AgentKey = agentKey;
        FencingToken = fencingToken;
        _duration = duration;
        _time = time;
        _logger = logger;
        _leaveQueue = leaveQueue;
        _renewing = RenewAsync();
    }

    public string OrganizationId { get; }

    public string AgentKey { get; }

    public long FencingToken { get; }

    public CancellationToken Lost => _lost.Token;

    /// <summary>Only for the store that took this lease: its state table is the one read with the take.</summary>
    public bool TryGetPrefetchedState(IAssistantStateStore store, out AssistantState? state)
    {
        state = _prefetched?.State;
        return _prefetched is not null && ReferenceEquals(store, _rows);
    }

    /// <summary>Once per lease, for the store that took it: renewals stop first, so none can run after the release.</summary>
    public async ValueTask<bool> TrySetStateAndReleaseAsync(IAssistantStateStore store, AssistantState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(store, _rows) || Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _completing, 1) != 0)
        {
            return false;
        }

        await StopRenewingAsync().ConfigureAwait(false);

        // On a failure (store down, cancelled) the row stays held and DisposeAsync releases it as usual; the release
        // is fenced, so it is harmless when the statement did commit.
        var written = await _rows.SetStateAndReleaseAsync(this, state, cancellationToken).ConfigureAwait(false);
        _released = true; // written: released with it; refused: the row is another holder's, nothing to release
        return written ? true : throw VapiSyncLeaseException.LeaseLost(OrganizationId, AgentKey, FencingToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopRenewingAsync().ConfigureAwait(false);
        try
        {
            // Not tied to the sync's token: a cancelled sync must still release (else the agent waits for expiry).
            if (!_released)
            {
                await _rows.ReleaseAsync(this).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ReleaseFailed(_logger, ex, OrganizationId, AgentKey);
        }
        finally
        {
            _leaveQueue();
            _stopping.Dispose();
        }
    }

    private async Task StopRenewingAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
    }

    private async Task RenewAsync()
    {
        await Task.Yield();
        var lastRenewed = _time.GetTimestamp();
        var interval = _duration / 3;
        while (true)
        {
            try
            {
                // Most leases end before their first renewal: stopping must not cost an exception each.
                await Task.Delay(interval, _time, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // A renewal that hangs (partition, blackholed TCP) must not outlive the point where the lease counts as
                // lost: past it another instance may hold the agent, so Lost fires on time however long the statement takes.
                var left = _duration - interval - _time.GetElapsedTime(lastRenewed);
                using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
                if (!await _rows.RenewAsync(this, attempt.Token).ConfigureAwait(false))
                {
                    Log.LeaseLost(_logger, OrganizationId, AgentKey, FencingToken);
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                lastRenewed = _time.GetTimestamp();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.RenewalFailed(_logger, ex, OrganizationId, AgentKey);
                if (_time.GetElapsedTime(lastRenewed) >= _duration - interval)
                {
                    // It may have expired and been taken: stop before writing anything under it.
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
    }
}

/// <summary>The statements a lease needs from its store.</summary>
internal interface ILeaseRows
{
    Task<bool> RenewAsync(Lease lease, CancellationToken cancellationToken);

    Task ReleaseAsync(Lease lease);

    /// <summary>Writes the state fenced by the lease's token and releases the row, in one statement; <see langword="false"/> when the lease was lost.</summary>
    Task<bool> SetStateAndReleaseAsync(Lease lease, AssistantState state, CancellationToken cancellationToken);
}

/// <summary>The agent's state as read with a lease take (<see cref="State"/> is <see langword="null"/> when none is stored).</summary>
/// <param name="State">The stored state.</param>
internal sealed record StateRead(AssistantState? State);
