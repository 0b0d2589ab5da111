using System.Diagnostics;
using NSubstitute;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Queue;

/// <summary>Review of the drainer's give-the-place-up path (<see cref="ParallelismSlot"/>, issue #10 point 4).</summary>
public sealed class SyncQueueYieldReviewTests
{
    [Fact]
    public async Task ItemGivingItsPlaceUp_NextItemDoesNotRunInsideItsTraceOrContext()
    {
        // The worker for the next item was started from inside the waiting item's execution context, so the next sync
        // inherited its Activity.Current (its "vapisync sync" span became the parent of an unrelated sync) and its log scopes.
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var first = 0;
        var gate = new TaskCompletionSource<AssistantSyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(_ =>
            Interlocked.Exchange(ref first, 1) == 0 ? WaitingCreateAsync(gate.Task) : Observe(seen));
        await h.Queue.EnqueueAsync(QueueHarness.Save("a", agent: "agent-a"));
        await h.Queue.EnqueueAsync(QueueHarness.Save("b", agent: "agent-b"));

        await h.StartAsync();
        var parent = await seen.Task.WaitAsync(QueueHarness.Deadline());
        gate.SetResult(QueueHarness.Result("asst-a"));

        Assert.Null(parent);
    }

    private static async Task<AssistantSyncResult> WaitingCreateAsync(Task<AssistantSyncResult> gate)
    {
        await Task.Yield();
        using var activity = new Activity("vapisync sync (first item)").Start();
        ParallelismSlot.YieldWhileWaiting(); // as SafeCreate does while its convergence listing runs
        return await gate;
    }

    private static Task<AssistantSyncResult> Observe(TaskCompletionSource<string?> seen)
    {
        seen.TrySetResult(Activity.Current?.OperationName);
        return Task.FromResult(QueueHarness.Result("asst-b"));
    }
}
