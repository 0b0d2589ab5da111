using Microsoft.Extensions.DependencyInjection;
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public async Task ThreeInstances_FrozenServerClock_TiesAtEveryPageSize_OneAssistantLeft(int pageSize)
    {
        // Every assistant shares one createdAt (the server's clock never moves): the tails' createdAtGe walk must see all
        // ties at any page size.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await IntegrationHost.StartAsync(o => o.ListPageSize = pageSize, serverOptions: new FakeVapiServerOptions { TimeProvider = clock });
        await using var b = a.Another(o => o.ListPageSize = pageSize);
        await using var c = a.Another(o => o.ListPageSize = pageSize);
        var ct = IntegrationHost.Deadline();
        foreach (var host in new[] { a, b, c })
        {
            await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-" + Guid.NewGuid().ToString("N")), ct);
        }

        for (var i = 0; i < 4; i++)
        {
            var request = IntegrationHost.Request(agent: $"tie-{i}");
            var start = new TaskCompletionSource();
            var saves = new[] { a, b, c }.Select(h => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return (await h.Manager.EnsureAssistantAsync(request, ct)).AssistantId;
                }
                catch (VapiSyncException)
                {
                    return null; // see below: a side whose winner was deleted by a later, smaller-id contender fails (typed)
                }
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(saves);

            // One assistant is left, always (the last side to commit sees every contender and deletes the others). That
            // every side *reports* it does not hold under ties: a later-committing contender with the smallest id wins,
            // and a side whose check ran before it committed reports its own, deleted one, or fails its winner's PATCH
            // with a 404 (see the review's report).
            var only = Assert.Single(a.AssistantsOf($"tie-{i}"));
            Assert.Contains(only["id"]!.GetValue<string>(), results);
        }
    }

    [Fact]
    public async Task ConvergenceListingFailed_NextSyncDeletesTheLoser()
    {
        // B (its check off) created agent-1 after A listed the account; A's create then cannot run its check (429s).
        // The sync fails, as documented, and the next sync of the agent must leave one assistant.
        await using var a = await IntegrationHost.StartAsync();
        await using var b = a.Another(o => o.ConvergenceWindow = TimeSpan.Zero);
        var ct = IntegrationHost.Deadline();
        await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm"), ct);
        var fromB = await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From B"), ct);
        a.Server.Faults.Enqueue("GET", "/assistant", Fault.Status(429, TimeSpan.Zero), times: 4);
        await Assert.ThrowsAnyAsync<VapiSyncException>(() => a.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From A"), ct));
        Assert.Equal(2, a.AssistantsOf("agent-1").Count);

        var again = await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From A"), ct);

        var only = Assert.Single(a.AssistantsOf("agent-1"));
        Assert.Equal(fromB.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal(fromB.AssistantId, again.AssistantId);
        Assert.Equal("From A", only["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task OneAssistantWithAFarFutureCreatedAt_DoesNotBlindTheCheck()
    {
        // One assistant in the account carries a createdAt in the year 9999 (a server bug, an import): the map's complete
        // part jumped there, every later check listed createdAtGe 9999 and saw nothing, so two instances saving the same
        // new agent each kept their own assistant.
        await using var a = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(5) });
        await using var b = a.Another();
        var stray = a.Server.SeedAssistant(IntegrationHost.PlatformAccount, new System.Text.Json.Nodes.JsonObject { ["name"] = "stray" });
        a.Server.ModifyAssistant(IntegrationHost.PlatformAccount, stray, s => s["createdAt"] = "9999-12-31T23:59:59.999Z");
        var ct = IntegrationHost.Deadline();
        await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-a"), ct);
        await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-b"), ct);

        for (var i = 0; i < 4; i++)
        {
            var request = IntegrationHost.Request(agent: $"same-{i}");
            var results = await IntegrationHost.SaveAtOnceAsync(a, b, request, ct);

            var only = Assert.Single(a.AssistantsOf($"same-{i}"));
            Assert.All(results, r => Assert.Equal(only["id"]!.GetValue<string>(), r.AssistantId));
        }
    }

    [Fact]
    public async Task HostsOwnVapiClient_TwoInstancesSaveTheSameNewAgentAtOnce_OneAssistant()
    {
        // A host's own IVapiClient (here a decorator of the library's client) has no createdAt filter: each check lists
        // the whole account (the README says so), but it still converges.
        await using var inner = await IntegrationHost.StartAsync();
        await using var a = inner.Another(build: b => b.Services.AddSingleton<IVapiClient>(new Forwarding(inner.Client)));
        await using var b = inner.Another(build: b => b.Services.AddSingleton<IVapiClient>(new Forwarding(inner.Client)));
        var ct = IntegrationHost.Deadline(60);

        for (var i = 0; i < 6; i++)
        {
            var request = IntegrationHost.Request(agent: $"own-client-{i}");
            await IntegrationHost.SaveAtOnceAsync(a, b, request, ct);

            Assert.Single(inner.AssistantsOf($"own-client-{i}"));
        }
    }

    private sealed class Forwarding(IVapiClient inner) : IVapiClient
    {
        public Task<VapiAssistant> CreateAssistantAsync(VapiSync.Client.Credentials.VapiCredential credential, AssistantDefinition assistant, CancellationToken cancellationToken = default) =>
            inner.CreateAssistantAsync(credential, assistant, cancellationToken);

        public Task<VapiAssistant?> GetAssistantAsync(VapiSync.Client.Credentials.VapiCredential credential, string assistantId, CancellationToken cancellationToken = default) =>
            inner.GetAssistantAsync(credential, assistantId, cancellationToken);

        public Task<VapiAssistant> UpdateAssistantAsync(VapiSync.Client.Credentials.VapiCredential credential, string assistantId, AssistantDefinition assistant, CancellationToken cancellationToken = default) =>
            inner.UpdateAssistantAsync(credential, assistantId, assistant, cancellationToken);

        public Task<bool> DeleteAssistantAsync(VapiSync.Client.Credentials.VapiCredential credential, string assistantId, CancellationToken cancellationToken = default) =>
            inner.DeleteAssistantAsync(credential, assistantId, cancellationToken);

        public IAsyncEnumerable<VapiAssistant> ListAssistantsAsync(VapiSync.Client.Credentials.VapiCredential credential, CancellationToken cancellationToken = default) =>
            inner.ListAssistantsAsync(credential, cancellationToken);
    }
}
