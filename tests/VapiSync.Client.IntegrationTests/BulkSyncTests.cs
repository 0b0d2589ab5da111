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
    public async Task Bulk_Cancelled_StopsAndThrows()
    {
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(50) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var requests = Enumerable.Range(0, 500).Select(i => IntegrationHost.Request(agent: $"agent-{i}")).ToList();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 2 }, cancel.Token));

        Assert.True(host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count < 100);
    }
}
