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
}
