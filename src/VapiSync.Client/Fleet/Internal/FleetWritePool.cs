using System.Collections.Concurrent;
using System.Threading.Channels;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>
/// The writers of one applied repair: at most <c>parallelism</c> writes in flight, an assistant's writes in plan order.
/// Voice fixes that no other assistant can change are queued while the listing still runs (<see cref="QueueEarly"/>), the
/// rest of the plan once the audit is complete (<see cref="Complete"/>), so the first PATCHes overlap the end of the audit
/// instead of waiting for it. One pool for both keeps the bound on parallelism whatever the mix.
/// </summary>
internal sealed class FleetWritePool
{
    private readonly Channel<PlannedFix[]> _queue = Channel.CreateUnbounded<PlannedFix[]>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ConcurrentDictionary<(string AssistantId, FleetRepairOperation Operation), FleetRepairAction> _results = new();
    private readonly Func<PlannedFix, CancellationToken, Task<FleetRepairAction>> _write;
    private readonly IProgress<FleetProgress>? _progress;
    private readonly List<PlannedFix> _early = [];
    private List<PlannedFix> _unplanned = [];
    private int _finished;
    private int _total = -1; // unknown until the plan is

    /// <param name="write">Sends one fix; never throws for a refused write (that is a failed action), only on cancellation.</param>
    /// <param name="progress">Receives a report per finished write; the total is unknown until the plan is.</param>
    public FleetWritePool(Func<PlannedFix, CancellationToken, Task<FleetRepairAction>> write, IProgress<FleetProgress>? progress)
    {
        _write = write;
        _progress = progress;
    }

    /// <summary>Runs the writers until the queue is completed and drained, or the token is cancelled.</summary>
    public Task RunAsync(int parallelism, CancellationToken cancellationToken) => Parallel.ForEachAsync(
        _queue.Reader.ReadAllAsync(cancellationToken),
        new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
        async (writes, token) =>
        {
            foreach (var fix in writes)
            {
                var action = await _write(fix, token).ConfigureAwait(false);
                _results[Key(fix)] = action;
                _progress?.Report(new FleetProgress(FleetPhase.Repairing, Interlocked.Increment(ref _finished), Total));
            }
        });

    /// <summary>Queues a fix decided before the audit is complete (<see cref="FleetRepairPlanner.PlanEarly"/>).</summary>
    public void QueueEarly(PlannedFix fix)
    {
        _early.Add(fix);
        _queue.Writer.TryWrite([fix]);
    }

    /// <summary>Queues every fix of the plan not already queued early, then closes the queue.</summary>
    public void Complete(List<PlannedFix> plan)
    {
        var planned = plan.Select(Key).ToHashSet();
        _unplanned = _early.FindAll(f => !planned.Contains(Key(f)));
        var queued = _early.Select(Key).ToHashSet();
        Volatile.Write(ref _total, plan.Count + _unplanned.Count);
        _progress?.Report(new FleetProgress(FleetPhase.Repairing, Volatile.Read(ref _finished), Total));
        foreach (var writes in plan.Where(f => !queued.Contains(Key(f))).GroupBy(f => f.AssistantId, StringComparer.Ordinal))
        {
            _queue.Writer.TryWrite([.. writes]);
        }

        _queue.Writer.TryComplete();
    }

    /// <summary>Closes the queue without queuing more (the audit failed); the caller cancels what is queued.</summary>
    public void Abandon() => _queue.Writer.TryComplete();

    /// <summary>
    /// Every write's outcome, in plan order. An early fix the plan does not hold (it cannot happen: the planner decides
    /// both) is still reported, after the plan's, because it was sent: every write is accounted for.
    /// </summary>
    public List<FleetRepairAction> Actions(List<PlannedFix> plan)
    {
        var actions = plan.ConvertAll(f => _results[Key(f)]);
        actions.AddRange(_unplanned.Select(f => _results[Key(f)]));
        return actions;
    }

    private int? Total => Volatile.Read(ref _total) is >= 0 and var total ? total : null;

    private static (string AssistantId, FleetRepairOperation Operation) Key(PlannedFix fix) => (fix.AssistantId, fix.Operation);
}
