using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

public sealed class InProcessAssistantSyncLockTests
{
    [Fact]
    public async Task Acquire_SameAgent_SecondWaitsUntilFirstReleases()
    {
        var syncLock = new InProcessAssistantSyncLock();
        var first = await syncLock.AcquireAsync("org", "agent");

        var second = syncLock.AcquireAsync("org", "agent").AsTask();
        var other = await syncLock.AcquireAsync("org", "other agent");

        Assert.False(second.IsCompleted);
        await first.DisposeAsync();
        await (await second.WaitAsync(TimeSpan.FromSeconds(5))).DisposeAsync();
        await other.DisposeAsync();
    }

    [Fact]
    public async Task Acquire_ManyAgentsReleasedOrCancelled_LeavesNoEntriesBehind()
    {
        var syncLock = new InProcessAssistantSyncLock();
        for (var i = 0; i < 100; i++)
        {
            await (await syncLock.AcquireAsync("org", $"agent-{i}")).DisposeAsync();
        }

        var held = await syncLock.AcquireAsync("org", "held");
        using (var cancel = new CancellationTokenSource())
        {
            var waiting = syncLock.AcquireAsync("org", "held", cancel.Token).AsTask();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        Assert.Equal(1, syncLock.Count);
        await held.DisposeAsync();
        await held.DisposeAsync(); // disposing twice releases once
        Assert.Equal(0, syncLock.Count);
    }

    [Fact]
    public async Task Acquire_ManyCallersOfOneAgent_OneHolderAtATimeAndNothingLeftBehind()
    {
        // The semaphore only exists once someone waits: callers that find the agent free, held, or freshly released,
        // with waiters cancelled on the way, must still hold it one at a time and leave no entry.
        var syncLock = new InProcessAssistantSyncLock();
        var holders = 0;
        var maxHolders = 0;
        var completed = 0;
        using var cancel = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            try
            {
                await using var lease = await syncLock.AcquireLeaseAsync("org", "agent", i % 5 == 0 ? cancel.Token : CancellationToken.None);
                var now = Interlocked.Increment(ref holders);
                InterlockedMax(ref maxHolders, now);
                await Task.Yield();
                Interlocked.Decrement(ref holders);
                Interlocked.Increment(ref completed);
            }
            catch (OperationCanceledException)
            {
            }

            if (i == 20)
            {
                await cancel.CancelAsync();
            }
        })).ToArray();

        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, maxHolders);
        Assert.True(completed >= 64 - 13, $"only {completed} callers got the lock");
        Assert.Equal(0, syncLock.Count);
        await (await syncLock.AcquireLeaseAsync("org", "agent")).DisposeAsync(); // still usable
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
