using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>Review of the default-on convergence check (issue #10, point 4): defects found by attacking it.</summary>
public sealed class ConvergenceReviewTests
{
    [Fact]
    public async Task ConvergenceListingRateLimited_CreateIsNotPostedAgain()
    {
        // The account is listed, then every later listing (the create's convergence tail) answers 429. The create itself
        // committed: repeating the POST because the *listing* was refused makes a second (and third) assistant.
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm"), ct);
        var postsBefore = host.Count("POST", "/assistant");
        host.Server.Faults.Enqueue("GET", "/assistant", Fault.Status(429, TimeSpan.Zero), times: 1000);

        await Assert.ThrowsAnyAsync<VapiSyncException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "new"), ct));

        Assert.Equal(1, host.Count("POST", "/assistant") - postsBefore);
        Assert.Single(host.AssistantsOf("new"));
    }
}
