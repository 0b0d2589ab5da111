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
    private readonly Func<PlannedFix, CancellationToken, Task<FleetRepairAction>> _write;
    private readonly IProgress<FleetProgress>? _progress;

    /// <summary>The fixes queued early, by assistant (a voice fix, at most one each); written by the listing alone.</summary>
    private readonly Dictionary<string, PlannedFix> _early = new(StringComparer.Ordinal);
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
                fix.Result = await _write(fix, token).ConfigureAwait(false);
                _progress?.Report(new FleetProgress(FleetPhase.Repairing, Interlocked.Increment(ref _finished), Total));
            }
        });

    /// <summary>The fixes queued early, by assistant id: the plan holds these very fixes (<see cref="FleetRepairPlanner.Plan"/>).</summary>
    public IReadOnlyDictionary<string, PlannedFix> Early => _early;

    /// <summary>Queues a fix decided before the audit is complete (<see cref="FleetRepairPlanner.PlanEarly"/>).</summary>
    public void QueueEarly(PlannedFix fix)
    {
        _early.Add(fix.AssistantId, fix);
        _queue.Writer.TryWrite([fix]);
    }

    /// <summary>Queues every fix of the plan not already queued early, then closes the queue.</summary>
    public void Complete(List<PlannedFix> plan)
    {
        // The plan holds the early fixes themselves; an equal copy (which the planner does not make) is still not sent twice.
        var reused = 0;
        foreach (var fix in plan)
        {
            if (_early.TryGetValue(fix.AssistantId, out var early) && ReferenceEquals(early, fix))
            {
                reused++;
            }
        }

        HashSet<(string, FleetRepairOperation)>? queued = null;
        if (reused < _early.Count)
        {
            var planned = plan.Select(Key).ToHashSet();
            _unplanned = [.. _early.Values.Where(f => !planned.Contains(Key(f)))];
            queued = _early.Values.Select(Key).ToHashSet();
        }

        Volatile.Write(ref _total, plan.Count + _unplanned.Count);
        _progress?.Report(new FleetProgress(FleetPhase.Repairing, Volatile.Read(ref _finished), Total));
        var writes = new List<PlannedFix>();
        for (var i = 0; i < plan.Count;)
        {
            // The plan lists each assistant's writes together, in order: they go to one writer, one after the other.
            var id = plan[i].AssistantId;
            writes.Clear();
            for (; i < plan.Count && string.Equals(plan[i].AssistantId, id, StringComparison.Ordinal); i++)
            {
                var fix = plan[i];
                var sent = queued is null
                    ? _early.TryGetValue(fix.AssistantId, out var early) && ReferenceEquals(early, fix)
                    : queued.Contains(Key(fix));
                if (!sent)
                {
                    writes.Add(fix);
                }
            }

            if (writes.Count > 0)
            {
                _queue.Writer.TryWrite([.. writes]);
            }
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
        var actions = plan.ConvertAll(f => f.Result ?? SentEarly(f).Result!);
        actions.AddRange(_unplanned.Select(f => f.Result!));
        return actions;
    }

    /// <summary>The early fix that was sent for a planned one equal to it.</summary>
    private PlannedFix SentEarly(PlannedFix fix) =>
        _early.TryGetValue(fix.AssistantId, out var early) && Key(early) == Key(fix) ? early : throw new InvalidOperationException($"No write was sent for {fix.Operation} of {fix.AssistantId}.");

    private int? Total => Volatile.Read(ref _total) is >= 0 and var total ? total : null;

    private static (string AssistantId, FleetRepairOperation Operation) Key(PlannedFix fix) => (fix.AssistantId, fix.Operation);
}
