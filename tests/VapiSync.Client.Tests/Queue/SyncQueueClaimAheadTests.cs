using System.Collections.Concurrent;
using NSubstitute;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Tests.Queue;

/// <summary>
/// Items claimed ahead of a free worker: a newer save or a deletion accepted while one waits is what Vapi gets, never
/// the older definition first (Vapi would briefly go back to it, and a save could land after its deletion).
/// </summary>
public sealed class SyncQueueClaimAheadTests
{
    [Fact]
    public async Task NewerSave_WhileTheItemWaitsClaimedAhead_OnlyTheLatestIsSent()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var (sent, a) = Record(h);
        await ClaimBAheadWhileABlocksAsync(h, a);

        await h.Queue.EnqueueAsync(QueueHarness.Save("b2", agent: "b")); // accepted while b1 waits claimed
        a.Release.SetResult(QueueHarness.Result("asst-a"));

        var entry = await SettledAsync(h, "b");
        Assert.Equal(["a1", "b2"], sent.ToArray());
        Assert.Equal((SyncQueueState.Synced, 2L), (entry.State, entry.Version));
    }

    [Fact]
    public async Task Deletion_WhileASaveWaitsClaimedAhead_WinsAndTheSaveIsNeverSent()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var (sent, a) = Record(h);
        h.Manager.DeleteAssistantAsync("org-1", "b", Arg.Any<CancellationToken>()).Returns(true);
        await ClaimBAheadWhileABlocksAsync(h, a);

        await h.Queue.EnqueueDeleteAsync("org-1", "b");
        a.Release.SetResult(QueueHarness.Result("asst-a"));

        var entry = await SettledAsync(h, "b");
        Assert.Equal(["a1"], sent.ToArray());
        await h.Manager.Received(1).DeleteAssistantAsync("org-1", "b", Arg.Any<CancellationToken>());
        Assert.Equal((SyncQueueState.Synced, SyncQueueOperation.Delete, 2L), (entry.State, entry.Operation, entry.Version));
    }

    [Fact]
    public async Task NewerSaveFromAnotherInstance_AfterTheItemWaitedPastTheRecheck_OnlyTheLatestIsSent()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var (sent, a) = Record(h);
        await ClaimBAheadWhileABlocksAsync(h, a);

        // Straight into the shared store, as another instance's enqueue: this instance is not told.
        await h.Store.EnqueueAsync("org-1", "b", SyncQueueOperation.Save, QueueHarness.Save("b2", agent: "b"), h.Time.GetUtcNow());
        h.Time.Advance(TimeSpan.FromSeconds(2)); // b1 waited longer than the re-check interval (well within its lease)
        a.Release.SetResult(QueueHarness.Result("asst-a"));

        var entry = await SettledAsync(h, "b");
        Assert.Equal(["a1", "b2"], sent.ToArray());
        Assert.Equal((SyncQueueState.Synced, 2L), (entry.State, entry.Version));
    }

    [Fact]
    public async Task NothingChanged_TheClaimedAheadItemIsSentWithoutAnotherStoreCall()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var (sent, a) = Record(h);
        await ClaimBAheadWhileABlocksAsync(h, a);

        a.Release.SetResult(QueueHarness.Result("asst-a"));

        var entry = await SettledAsync(h, "b");
        Assert.Equal(["a1", "b1"], sent.ToArray());
        Assert.Equal(SyncQueueState.Synced, entry.State);
        Assert.False(h.Store.Renewals.Reader.TryRead(out _)); // no renewal (re-read) on the fast path
    }

    private static (ConcurrentQueue<string> Sent, Blocker A) Record(QueueHarness h)
    {
        var sent = new ConcurrentQueue<string>();
        var a = new Blocker();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var request = call.Arg<AssistantSyncRequest>();
            sent.Enqueue(request.Assistant.Name!);
            if (request.AgentKey != "a")
            {
                return Task.FromResult(QueueHarness.Result("asst-" + request.AgentKey));
            }

            a.Running.TrySetResult();
            return a.Release.Task;
        });
        return (sent, a);
    }

    /// <summary>Agent a runs and blocks the only worker; agent b is claimed ahead and waits for it.</summary>
    private static async Task ClaimBAheadWhileABlocksAsync(QueueHarness h, Blocker a)
    {
        await h.Queue.EnqueueAsync(QueueHarness.Save("a1", agent: "a"));
        await h.Queue.EnqueueAsync(QueueHarness.Save("b1", agent: "b"));
        await h.StartAsync();
        await a.Running.Task.WaitAsync(QueueHarness.Deadline());
        Assert.Equal(2L, (await h.Queue.GetStatisticsAsync()).Processing); // a running, b claimed ahead
    }

    private static async Task<SyncQueueEntry> SettledAsync(QueueHarness h, string agent)
    {
        while (true)
        {
            var (_, entry) = await h.NextSettledAsync();
            if (entry?.AgentKey == agent)
            {
                return entry;
            }
        }
    }

    private sealed class Blocker
    {
        public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<AssistantSyncResult> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
