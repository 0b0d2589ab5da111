using NSubstitute;
using VapiSync.Client.Queue;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Queue;

/// <summary>
/// The drainer's bound counts items at work: an item whose create waits for its convergence listing gives its place up
/// (<see cref="ParallelismSlot"/>) and the next claimed item starts; items that do not give it up stay within the bound.
/// </summary>
public sealed class SyncQueueParallelismTests
{
    [Fact]
    public async Task ItemsWaitingForTheirConvergenceCheck_GiveTheirPlaceUp_TheNextItemsStart()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var waiting = 0;
        var allWaiting = new TaskCompletionSource();
        var checkDone = new TaskCompletionSource();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            await Task.Yield();
            ParallelismSlot.YieldWhileWaiting(); // what SafeCreate does before it waits for its listing
            if (Interlocked.Increment(ref waiting) == 3)
            {
                allWaiting.SetResult();
            }

            await checkDone.Task;
            return QueueHarness.Result("asst-" + call.Arg<AssistantSyncRequest>().AgentKey);
        });
        for (var i = 0; i < 3; i++)
        {
            await h.Queue.EnqueueAsync(QueueHarness.Save("v1", agent: $"agent-{i}"));
        }

        await h.StartAsync();

        // One place, yet all three wait for their checks at once: holding the place would have let only one in.
        await allWaiting.Task.WaitAsync(QueueHarness.Deadline());
        checkDone.SetResult();
        for (var i = 0; i < 3; i++)
        {
            var completion = await h.Observer.Completions.Reader.ReadAsync(QueueHarness.Deadline());
            Assert.Equal(SyncQueueState.Synced, completion.State);
        }

        Assert.Equal(3, h.Manager.ReceivedCalls().Count());
    }

    [Fact]
    public async Task ItemsAtWork_NeverExceedTheBound()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 2);
        var atWork = 0;
        var most = 0;
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            var now = Interlocked.Increment(ref atWork);
            InterlockedMax(ref most, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref atWork);
            return QueueHarness.Result("asst-" + call.Arg<AssistantSyncRequest>().AgentKey);
        });
        for (var i = 0; i < 12; i++)
        {
            await h.Queue.EnqueueAsync(QueueHarness.Save("v1", agent: $"agent-{i}"));
        }

        await h.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(SyncQueueState.Synced, (await h.Observer.Completions.Reader.ReadAsync(QueueHarness.Deadline())).State);
        }

        Assert.InRange(most, 1, 2);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
