using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using VapiSync.Client.Fleet;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// A dry run reports the outcome a sync would have and the fields it would change, and writes nothing: no POST, PATCH
/// or DELETE reaches Vapi and the state store holds what it held before.
/// </summary>
public sealed class DryRunTests
{
    private static readonly string[] EveryField = ["firstMessage", "metadata", "model", "name", "voice"];

    [Fact]
    public async Task DryRun_NewAgent_PlansCreatedWithEveryFieldAndWritesNothing()
    {
        await using var host = await IntegrationHost.StartAsync();

        var plan = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request()), IntegrationHost.Deadline());

        Assert.True(plan.IsDryRun);
        Assert.Equal(SyncOutcome.Created, plan.Outcome);
        Assert.Equal(string.Empty, plan.AssistantId);
        Assert.Equal(EveryField, plan.Differences.Select(d => d.Path));
        Assert.All(plan.Differences, d => Assert.Null(d.Actual));
        Assert.Contains("Be brief.", Assert.Single(plan.Differences, d => d.Path == "model").Expected, StringComparison.Ordinal);
        Assert.Contains("\"org-1/agent-1\"", Assert.Single(plan.Differences, d => d.Path == "metadata").Expected, StringComparison.Ordinal);
        AssertNoWrites(host);
        Assert.Empty(host.AssistantsOf("agent-1"));
        Assert.Null(await StateAsync(host));
    }

    [Fact]
    public async Task DryRun_RightAfterSync_UnchangedWithoutARequest_AndForcedComparisonFindsNoDifference()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var synced = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        var before = await StateAsync(host);
        host.Server.ClearRequests();

        var plan = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request()), ct);
        var requestsForPlan = host.Server.Requests.Count;
        var forced = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request()) with { Force = true }, ct);

        Assert.Equal((SyncOutcome.Unchanged, synced.AssistantId, 0), (plan.Outcome, plan.AssistantId, plan.Differences.Count));
        Assert.Equal(0, requestsForPlan);

        // Force reads the assistant back and compares it field by field: what the sync sent is what Vapi holds.
        Assert.Equal((SyncOutcome.Updated, synced.AssistantId), (forced.Outcome, forced.AssistantId));
        Assert.Empty(forced.Differences);
        Assert.Equal(1, host.Count("GET", "/assistant/" + synced.AssistantId));
        AssertNoWrites(host);
        Assert.Equal(before, await StateAsync(host));
    }

    [Fact]
    public async Task DryRun_PromptAndNameChanged_UpdatedWithExactlyThoseFields_ThenTheRealSyncStillUpdates()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var synced = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        var before = await StateAsync(host);
        host.Server.ClearRequests();
        var changed = WithPrompt(IntegrationHost.Request(name: "Front desk"), "Be warm and brief.");

        var plan = await host.Manager.EnsureAssistantAsync(DryRun(changed), ct);

        Assert.Equal((SyncOutcome.Updated, synced.AssistantId, true), (plan.Outcome, plan.AssistantId, plan.IsDryRun));
        Assert.Equal(["model.messages", "name"], plan.Differences.Select(d => d.Path));
        var prompt = plan.Differences[0];
        Assert.Contains("Be warm and brief.", prompt.Expected, StringComparison.Ordinal);
        Assert.Contains("Be brief.", prompt.Actual, StringComparison.Ordinal);
        Assert.Equal(("\"Front desk\"", "\"Receptionist\""), (plan.Differences[1].Expected, plan.Differences[1].Actual));
        AssertNoWrites(host);
        Assert.Equal(before, await StateAsync(host));
        Assert.Equal("Receptionist", Assert.Single(host.AssistantsOf("agent-1"))["name"]!.GetValue<string>());

        // Nothing was recorded as applied: the real sync still sees the change, and afterwards the plan is empty.
        var applied = await host.Manager.EnsureAssistantAsync(changed, ct);
        var after = await host.Manager.EnsureAssistantAsync(DryRun(changed) with { Force = true }, ct);
        Assert.Equal(SyncOutcome.Updated, applied.Outcome);
        Assert.False(applied.IsDryRun);
        Assert.Empty(applied.Differences);
        Assert.Empty(after.Differences);
    }

    [Fact]
    public async Task DryRun_StateLost_PlansAdoptionOfTheExistingAssistant()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var synced = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        await using var restarted = host.Another(); // a process whose state store is empty
        host.Server.ClearRequests();

        var same = await restarted.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request()), ct);
        var renamed = await restarted.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(name: "Front desk")), ct);

        Assert.Equal((SyncOutcome.Adopted, synced.AssistantId), (same.Outcome, same.AssistantId));
        Assert.Empty(same.Differences);
        Assert.Equal((SyncOutcome.Adopted, synced.AssistantId), (renamed.Outcome, renamed.AssistantId));
        Assert.Equal("name", Assert.Single(renamed.Differences).Path);
        AssertNoWrites(host);
        Assert.Null(await StateAsync(restarted));
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    [Fact]
    public async Task DryRun_AssistantDeletedInVapi_PlansRecreatedAndWritesNothing()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var synced = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, synced.AssistantId);
        var before = await StateAsync(host);
        host.Server.ClearRequests();

        var plan = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(name: "Changed")), ct);

        Assert.Equal((SyncOutcome.Recreated, string.Empty), (plan.Outcome, plan.AssistantId));
        Assert.Equal(EveryField, plan.Differences.Select(d => d.Path));
        Assert.Equal(1, host.Count("GET", "/assistant/" + synced.AssistantId)); // the 404 the PATCH would have met
        AssertNoWrites(host);
        Assert.Equal(before, await StateAsync(host));
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1302 && r.Message.Contains(synced.AssistantId, StringComparison.Ordinal));

        var recreated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct);
        Assert.Equal(SyncOutcome.Recreated, recreated.Outcome);
    }

    [Fact]
    public async Task DryRun_OrganizationGainsItsOwnKey_PlansMovedAndTouchesNeitherAccount()
    {
        var keys = new AccountMoveTests.SwitchableKeyStore();
        await using var host = await AccountMoveTests.StartAsync(keys);
        var ct = IntegrationHost.Deadline();
        var first = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        keys.Keys["acme"] = AccountMoveTests.AcmeKey;
        var before = await StateAsync(host, "acme");
        host.Server.ClearRequests();

        var plan = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(org: "acme")), ct);

        Assert.Equal((SyncOutcome.Moved, string.Empty, nameof(AccountMoveTests.SwitchableKeyStore)), (plan.Outcome, plan.AssistantId, plan.CredentialSource));
        Assert.Equal(EveryField, plan.Differences.Select(d => d.Path));
        AssertNoWrites(host);
        Assert.Equal(before, await StateAsync(host, "acme"));
        Assert.Equal(first.AssistantId, Assert.Single(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount))["id"]!.GetValue<string>());
        Assert.Empty(host.AssistantsOf("agent-1", "acme", AccountMoveTests.AcmeAccount));
        Assert.DoesNotContain(host.Logs.Collector.GetSnapshot(), r => r.Message.Contains(AccountMoveTests.AcmeKey, StringComparison.Ordinal));

        var moved = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
    }

    [Fact]
    public async Task DryRun_Bulk_OneResultPerAgentAndNoWrites()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var agents = Enumerable.Range(0, 12).Select(i => $"agent-{i}").ToArray();
        await host.Manager.EnsureAssistantsAsync(agents.Take(8).Select(a => IntegrationHost.Request(agent: a)), cancellationToken: ct);
        var before = await Task.WhenAll(agents.Select(a => StateAsync(host, agent: a)));
        host.Server.ClearRequests();

        // 0–3 renamed (update), 4–7 as synced (unchanged), 8–11 new (create).
        var requests = agents.Select((a, i) => DryRun(IntegrationHost.Request(agent: a, name: i < 4 ? "Renamed" : "Receptionist"))).ToList();
        var results = await host.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 4 }, ct);

        Assert.Equal(requests, results.Select(r => r.Request));
        Assert.All(results, r => Assert.True(r.Succeeded && r.Result!.IsDryRun));
        var outcomes = results.Select(r => r.Result!.Outcome).ToArray();
        Assert.Equal([.. Enumerable.Repeat(SyncOutcome.Updated, 4), .. Enumerable.Repeat(SyncOutcome.Unchanged, 4), .. Enumerable.Repeat(SyncOutcome.Created, 4)], outcomes);
        Assert.All(results.Take(4), r => Assert.Equal("name", Assert.Single(r.Result!.Differences).Path));
        AssertNoWrites(host);
        Assert.Equal(before, await Task.WhenAll(agents.Select(a => StateAsync(host, agent: a))));
        Assert.Equal(8, host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count);
    }

    [Fact]
    public async Task DryRun_MessyAccount_SameDiffAsTheAuditsDrift_AndDuplicatesNotDeleted()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var seed = MessyAccount.Seed(host.Server, IntegrationHost.PlatformAccount, "org-1");
        var audit = await host.Services.GetRequiredService<IVapiFleet>().AuditAsync(new FleetAuditRequest("org-1") { Agents = seed.Agents }, cancellationToken: ct);
        var assistantsBefore = host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count;
        host.Server.ClearRequests();

        var results = await host.Manager.EnsureAssistantsAsync(seed.Agents.Select(a => new AssistantSyncRequest("org-1", a.AgentKey, a.Definition) { DryRun = true }), cancellationToken: ct);

        var plans = results.ToDictionary(r => r.Request.AgentKey, r => r.Result!);
        Assert.All(plans.Values, p => Assert.Equal(SyncOutcome.Adopted, p.Outcome)); // no state in this process: every assistant is found by its sync key
        var drift = Assert.Single(audit.Findings, f => f.Kind == FleetFindingKind.Drift);
        Assert.Equal(drift.AssistantId, plans["scheduler"].AssistantId);
        Assert.Equal(drift.Differences, plans["scheduler"].Differences);
        Assert.Equal(["firstMessage", "model.temperature"], plans["scheduler"].Differences.Select(d => d.Path));
        Assert.Equal(["voice.provider", "voice.voiceId"], plans["billing"].Differences.Select(d => d.Path)); // the audit reports it as a legacy voice
        var kept = audit.Findings.First(f => f.Kind == FleetFindingKind.Duplicate).KeptAssistantId;
        Assert.Equal(kept, plans["after-hours"].AssistantId);
        Assert.All(new[] { "front-desk", "after-hours", "support" }, a => Assert.Empty(plans[a].Differences));
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1303 && r.Message.Contains(kept!, StringComparison.Ordinal));
        AssertNoWrites(host);
        Assert.Equal(assistantsBefore, host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count);
    }

    [Fact]
    public async Task DryRun_InvalidDefinition_TypedValidationErrorBeforeAnyRequest()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();

        await Assert.ThrowsAsync<VapiValidationException>(() => host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(name: new string('x', 41))), ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(agent: "")), ct));

        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task DryRun_IsNotCountedAsASync_AndDoesNotWaitForTheAgentsLock()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        using var syncs = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.sync.count");

        // A real sync of the agent holds its lease: the plan neither waits for it nor is refused.
        await using (await host.Services.GetRequiredService<IAssistantSyncLock>().AcquireLeaseAsync("org-1", "agent-1", ct))
        {
            var plan = await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(name: "Front desk")), ct);
            Assert.Equal(SyncOutcome.Updated, plan.Outcome);
        }

        Assert.Empty(syncs.GetMeasurementSnapshot());
        var logged = Assert.Single(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1300);
        Assert.Contains("Updated", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(IntegrationHost.PlatformKey, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_IsTracedAsAPlanWithItsReadsAsChildren_NeverAsASync()
    {
        using var recorder = new ActivityRecorder();
        var activities = recorder.Stopped;
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var synced = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "traced-plan"), ct);

        await host.Manager.EnsureAssistantAsync(DryRun(IntegrationHost.Request(agent: "traced-plan", name: "Front desk")), ct);

        var plan = Assert.Single(activities, a => a.OperationName == "vapisync plan" && (string?)a.GetTagItem("vapisync.agent_key") == "traced-plan");
        Assert.Equal(("updated", synced.AssistantId, 1), (plan.GetTagItem("vapisync.outcome"), plan.GetTagItem("vapisync.assistant_id"), plan.GetTagItem("vapisync.difference_count")));
        Assert.Equal(["vapi get", "vapisync credential"], activities.Where(a => a.ParentSpanId == plan.SpanId).Select(a => a.OperationName).Order(StringComparer.Ordinal));
        Assert.Single(activities, a => a.OperationName == "vapisync sync" && (string?)a.GetTagItem("vapisync.agent_key") == "traced-plan");
    }

    private static AssistantSyncRequest DryRun(AssistantSyncRequest request) => request with { DryRun = true };

    private static AssistantSyncRequest WithPrompt(AssistantSyncRequest request, string prompt)
    {
        request.Assistant.Model!["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = prompt });
        return request;
    }

    private static void AssertNoWrites(IntegrationHost host) =>
        Assert.Equal((0, 0, 0), (host.Count("POST"), host.Count("PATCH"), host.Count("DELETE")));

    private static async Task<AssistantState?> StateAsync(IntegrationHost host, string org = "org-1", string agent = "agent-1") =>
        await host.Services.GetRequiredService<IAssistantStateStore>().GetAsync(org, agent);
}
