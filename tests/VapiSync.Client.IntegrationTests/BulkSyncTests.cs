using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

public sealed class BulkSyncTests
{
    [Fact]
    public async Task Bulk_PerItemResultsInOrder_OneFailureDoesNotStopTheRest()
    {
        await using var host = await IntegrationHost.StartAsync();
        var requests = Enumerable.Range(0, 30).Select(i => IntegrationHost.Request(agent: $"agent-{i}", name: i == 7 ? new string('x', 41) : $"Agent {i}")).ToList();

        var results = await host.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 6 }, IntegrationHost.Deadline());

        Assert.Equal(requests, results.Select(r => r.Request));
        Assert.IsType<VapiValidationException>(results[7].Error);
        Assert.Equal(29, results.Count(r => r.Succeeded && r.Result!.Outcome == SyncOutcome.Created));
        Assert.Equal(29, host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count);
    }

    [Fact]
    public async Task Bulk_429WithRetryAfter_PausesEveryRequestOfTheAccount()
    {
        // The library's clock is fake: the account's pause cannot end until the test moves it, so what goes out during
        // the pause is counted without racing a real timer (a slow machine can only send fewer, never more).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await IntegrationHost.StartAsync(build: b => b.Services.AddSingleton<TimeProvider>(clock));
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-up"), ct);
        host.Server.ClearRequests();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.Status(429, TimeSpan.FromSeconds(1)));
        var requests = Enumerable.Range(0, 40).Select(i => IntegrationHost.Request(agent: $"agent-{i}")).ToList();

        var bulk = host.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 4 }, ct);
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            while (!host.Server.Requests.Any(r => r.StatusCode == 429))
            {
                await Task.Delay(5, wait.Token);
            }
        }

        var settled = await Task.WhenAny(bulk, Task.Delay(TimeSpan.FromMilliseconds(300), ct));
        Assert.NotSame(bulk, settled);
        var recorded = host.Server.Requests.ToList();
        var duringPause = recorded.Count - 1 - recorded.FindIndex(r => r.StatusCode == 429); // answered after the 429
        Assert.True(duringPause <= 3, $"{duringPause} requests went out while the account was paused (only those already in flight may)");

        // Time moves on in steps until the bulk is done, so a wait registered late is released too.
        clock.Advance(TimeSpan.FromSeconds(1.1));
        while (!bulk.IsCompleted)
        {
            await Task.WhenAny(bulk, Task.Delay(10, ct));
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        var results = await bulk;

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(40, host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count - 1);
    }

    [Fact]
    public async Task Bulk_Cancelled_StopsAndThrows()
    {
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(50) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var requests = Enumerable.Range(0, 500).Select(i => IntegrationHost.Request(agent: $"agent-{i}")).ToList();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 2 }, cancel.Token));

        Assert.True(host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count < 100);
    }
}
