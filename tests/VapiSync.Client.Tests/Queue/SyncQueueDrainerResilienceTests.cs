using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSubstitute;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Tests.Queue;

/// <summary>Review2: attacks on the claim-ahead drainer.</summary>
public sealed class SyncQueueDrainerResilienceTests
{
    [Fact]
    public async Task StoreClaimThrowsOperationCanceled_NotStopping_DrainerKeepsRunning()
    {
        // A store's own command timeout surfacing as TaskCanceledException (not the host stopping).
        await using var h = new QueueHarness();
        var calls = 0;
        h.Store.ClaimOverride = () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new TaskCanceledException("store command timed out");
            }
        };
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromResult(QueueHarness.Result("asst-1")));
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await h.StartAsync();

        var drainer = h.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        await Task.WhenAny(drainer.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(2)));

        Assert.False(drainer.ExecuteTask!.IsCompleted, $"The drainer's loop ended ({drainer.ExecuteTask.Status}: {drainer.ExecuteTask.Exception?.InnerException?.GetType().Name}) after one store claim threw OperationCanceledException while not stopping; nothing is drained any more.");
    }

    [Fact]
    public async Task ShutdownWithAnItemClaimedAhead_ReleasesItWithoutAnAttempt()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var firstCall = new TaskCompletionSource();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            firstCall.TrySetResult();
            await Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>());
            return QueueHarness.Result("never");
        });
        await h.Queue.EnqueueAsync(QueueHarness.Save("a1", "agent-a"));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Queue.EnqueueAsync(QueueHarness.Save("b1", "agent-b"));
        await h.StartAsync();
        await firstCall.Task.WaitAsync(QueueHarness.Deadline());

        await h.StopAsync(new CancellationToken(canceled: true));

        var a = await h.Store.GetAsync("org-1", "agent-a");
        var b = await h.Store.GetAsync("org-1", "agent-b");
        Assert.Equal((SyncQueueState.Pending, 0), (a!.State, a.Attempts));
        Assert.Equal((SyncQueueState.Pending, 0), (b!.State, b.Attempts));
    }
}
