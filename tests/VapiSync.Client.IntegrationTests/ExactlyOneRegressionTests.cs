using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>Issue #10's sync-side symptoms, each reproduced against the fake: every test here failed on main before the fix.</summary>
public sealed class ExactlyOneRegressionTests
{
    [Fact]
    public async Task Restart_StaleKnownIdAfterDashboardDeleteAndRecreate_AdoptsInsteadOfCreatingASecond()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var first = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        // Deleted in the dashboard; the library recreates it; the host crashes before storing the new id.
        host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, first.AssistantId);
        var recreated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct);
        Assert.Equal(SyncOutcome.Recreated, recreated.Outcome);

        // Restart: fresh state, and the host still passes the old id.
        await using var restarted = host.Another();
        var result = await restarted.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed again") with { KnownAssistantId = first.AssistantId }, ct);

        Assert.Equal(SyncOutcome.Adopted, result.Outcome);
        Assert.Equal(recreated.AssistantId, result.AssistantId);
        Assert.Equal("Changed again", Assert.Single(host.AssistantsOf("agent-1"))["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public async Task Restart_MoreAssistantsShareOneCreatedAtThanAPageHolds_StillFindsTheSyncKey(int pageSize)
    {
        // A frozen clock: every assistant gets the same createdAt (and updatedAt).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        await using var host = await IntegrationHost.StartAsync(o => o.ListPageSize = pageSize, serverOptions: new FakeVapiServerOptions { TimeProvider = clock });
        var ct = IntegrationHost.Deadline();
        var mine = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        for (var i = 0; i < 12; i++)
        {
            host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject { ["name"] = $"Other {i}" });
        }

        await using var restarted = host.Another(o => o.ListPageSize = pageSize);
        var result = await restarted.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "After restart"), ct);

        Assert.Equal(SyncOutcome.Adopted, result.Outcome);
        Assert.Equal(mine.AssistantId, result.AssistantId);
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    [Fact]
    public async Task Save_LoneSurrogateInAgentKey_RejectedSoTwoAgentsNeverShareAnAssistant()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var other = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "agent-\uFFFD"), ct);

        var ex = await Assert.ThrowsAsync<VapiValidationException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "agent-\uD800"), ct));

        Assert.Contains(ex.Errors, e => e.StartsWith("AgentKey:", StringComparison.Ordinal));
        Assert.Equal(other.AssistantId, Assert.Single(host.Server.GetAssistants(IntegrationHost.PlatformAccount))["id"]!.GetValue<string>());
        Assert.Equal(1, host.Count("POST"));
    }

    [Fact]
    public async Task FirstSaves_32ConcurrentOfANewAccount_ListItExactlyOnce()
    {
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var ct = IntegrationHost.Deadline();
        var start = new TaskCompletionSource();

        var saves = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: $"agent-{i}"), ct);
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(saves);

        Assert.All(results, r => Assert.Equal(SyncOutcome.Created, r.Outcome));
        var listings = host.Server.Requests.Where(r => r is { Method: "GET", Path: "/assistant" }).ToList();
        Assert.Single(listings, r => !r.Query.Contains("createdAtGe", StringComparison.Ordinal)); // the account, listed once (a convergence tail always names its start)
        // The creates' convergence listings (on by default) are coalesced: a few tails, not one per create.
        var tails = listings.Count(r => r.Query.Contains("createdAtGe", StringComparison.Ordinal));
        Assert.InRange(tails, 1, 8);
    }

    [Fact]
    public async Task TwoInstancesSharingOnlyTheAccount_SaveTheSameNewAgent_OneAssistantAndBothReportTheWinner()
    {
        await using var a = await IntegrationHost.StartAsync(o => o.ConvergenceWindow = TimeSpan.FromSeconds(5));
        await using var b = a.Another(o => o.ConvergenceWindow = TimeSpan.FromSeconds(5));
        var ct = IntegrationHost.Deadline();

        // Both instances have listed the account (another agent) before either saves agent-1: neither index knows it.
        await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-a"), ct);
        await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-b"), ct);
        var fromA = await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From A"), ct);
        var fromB = await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From B"), ct);

        var only = Assert.Single(a.AssistantsOf("agent-1"));
        Assert.Equal(only["id"]!.GetValue<string>(), fromA.AssistantId);
        Assert.Equal(fromA.AssistantId, fromB.AssistantId);
        Assert.Equal(SyncOutcome.Adopted, fromB.Outcome);
        Assert.Equal("From B", only["name"]!.GetValue<string>()); // the winner holds the latest save
        Assert.Equal(2, a.Count("POST", "/assistant") - 2); // both POSTed (neither could know); the loser was deleted
        Assert.Equal(1, a.Count("DELETE"));
    }

    [Fact]
    public async Task TwoInstancesSharingOnlyTheAccount_BulkCreateTheSameAgents_OneAssistantEachReportedByBoth()
    {
        // The convergence window on, as for instances sharing only the account.
        await using var a = await IntegrationHost.StartAsync(o => o.ConvergenceWindow = TimeSpan.FromSeconds(2), serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(20) });
        await using var b = a.Another(o => o.ConvergenceWindow = TimeSpan.FromSeconds(2));
        var ct = IntegrationHost.Deadline();
        var agents = Enumerable.Range(0, 24).Select(i => IntegrationHost.Request(agent: $"bulk-{i}")).ToList();
        var options = new BulkSyncOptions { MaxDegreeOfParallelism = 8 };

        var start = new TaskCompletionSource();
        var fromA = Task.Run(async () => { await start.Task; return await a.Manager.EnsureAssistantsAsync(agents, options, ct); });
        var fromB = Task.Run(async () => { await start.Task; return await b.Manager.EnsureAssistantsAsync(agents, options, ct); });
        start.SetResult();
        var results = await Task.WhenAll(fromA, fromB);

        Assert.All(results.SelectMany(r => r), r => Assert.True(r.Succeeded, r.Error?.ToString()));
        for (var i = 0; i < agents.Count; i++)
        {
            var only = Assert.Single(a.AssistantsOf($"bulk-{i}"));
            Assert.Equal(only["id"]!.GetValue<string>(), results[0][i].Result!.AssistantId);
            Assert.Equal(only["id"]!.GetValue<string>(), results[1][i].Result!.AssistantId);
        }
    }

    [Fact]
    public async Task TwoInstancesSharingOnlyTheAccount_DefaultOptions_SaveTheSameNewAgentsAtOnce_OneAssistantEach()
    {
        // Nothing configured: no shared store, no cross-instance lock, and the convergence check on by default.
        await using var a = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(5) });
        await using var b = a.Another();
        var ct = IntegrationHost.Deadline();

        for (var i = 0; i < 12; i++)
        {
            var request = IntegrationHost.Request(agent: $"same-{i}");
            var results = await IntegrationHost.SaveAtOnceAsync(a, b, request, ct);

            var only = Assert.Single(a.AssistantsOf($"same-{i}"));
            Assert.All(results, r => Assert.Equal(only["id"]!.GetValue<string>(), r.AssistantId));
        }
    }

    [Fact]
    public async Task TwoInstancesSharingOnlyTheAccount_DefaultOptions_SecondSavesMinutesLaterFromAStaleListing_AdoptsInsteadOfDuplicating()
    {
        // B listed the account before A created agent-1; B saves it 5 minutes later (its listing still fresh enough to
        // trust): no window around B's own create would reach back that far, but the check reads everything created
        // since B's listing.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { TimeProvider = clock });
        await using var b = a.Another();
        var ct = IntegrationHost.Deadline();
        await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm-b"), ct);
        clock.Advance(TimeSpan.FromSeconds(30));
        var fromA = await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From A"), ct);
        clock.Advance(TimeSpan.FromMinutes(5));

        var fromB = await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "From B"), ct);

        var only = Assert.Single(a.AssistantsOf("agent-1"));
        Assert.Equal(fromA.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal(fromA.AssistantId, fromB.AssistantId);
        Assert.Equal(SyncOutcome.Adopted, fromB.Outcome);
        Assert.Equal("From B", only["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bulk_CreatesWaitingForTheirConvergenceListing_GiveTheirPlaceUp_OneListingServesMany()
    {
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "warm"), ct);
        var before = host.Server.Requests.Count(r => r is { Method: "GET", Path: "/assistant" });

        // Every listing from now on is slow: one parallelism place, yet the POSTs go on while a create waits for its check.
        host.Server.Faults.Enqueue("GET", "/assistant", Fault.Latency(TimeSpan.FromMilliseconds(300)), times: 100);
        var agents = Enumerable.Range(0, 12).Select(i => IntegrationHost.Request(agent: $"bulk-{i}")).ToList();
        var results = await host.Manager.EnsureAssistantsAsync(agents, new BulkSyncOptions { MaxDegreeOfParallelism = 1 }, ct);

        Assert.All(results, r => Assert.Equal(SyncOutcome.Created, r.Result?.Outcome));
        Assert.All(agents, r => Assert.Single(host.AssistantsOf(r.AgentKey)));
        var tails = host.Server.Requests.Count(r => r is { Method: "GET", Path: "/assistant" }) - before;
        // Holding the place through the check would take one listing per create (12); given up, creates pile up behind one.
        Assert.InRange(tails, 1, 6);
    }

    [Fact]
    public async Task AnAssistantOfAnUnexpectedShapeInTheAccount_DoesNotBreakTheSyncsListings()
    {
        // The sync's listings read only id, timestamps and metadata: a field it does not use, of a shape it would not
        // accept, is skipped instead of failing every lookup and convergence check of the account.
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject { ["name"] = "Odd", ["model"] = "a string, not an object", ["voice"] = 42 });

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    [Fact]
    public async Task Patch404ForAnAssistantThatStillExists_AfterTheAccountMovedOn_AdoptsItInsteadOfKeepingASecond()
    {
        // Found by the adversarial suite: a 404 that is wrong (a proxy, a replica behind) made the index forget an
        // assistant that exists. The create that followed checked only the account's creates since its map was
        // complete, which by then was past that assistant: two assistants for one agent.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { TimeProvider = clock });
        var ct = IntegrationHost.Deadline();
        var first = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "v1"), ct);
        clock.Advance(TimeSpan.FromSeconds(5));
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "later"), ct); // moves the complete part on
        host.Server.Faults.Enqueue("PATCH", "/assistant/{id}", Fault.Status(404));

        var second = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "v2"), ct);

        var only = Assert.Single(host.AssistantsOf("agent-1"));
        Assert.Equal(first.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal(first.AssistantId, second.AssistantId);
        Assert.Equal("v2", only["name"]!.GetValue<string>());
    }
}
