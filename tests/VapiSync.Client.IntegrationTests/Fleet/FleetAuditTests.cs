using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;
using Xunit;
using static VapiSync.Client.IntegrationTests.Fleet.FleetTestSupport;

namespace VapiSync.Client.IntegrationTests.Fleet;

public sealed class FleetAuditTests
{
    [Fact]
    public async Task AuditAsync_MessyAccount_FindsEveryKindWithOneListingRequest()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        Assert.Equal(seed.LegacyVoiceAssistantIds.Sorted(), report.Ids(FleetFindingKind.LegacyVoice));
        Assert.Equal(seed.DuplicateAssistantIds.Sorted(), report.Ids(FleetFindingKind.Duplicate));
        Assert.Equal(seed.OrphanAssistantIds.Sorted(), report.Ids(FleetFindingKind.Orphan));
        Assert.Equal(seed.DriftedAssistantIds.Sorted(), report.Ids(FleetFindingKind.Drift));
        Assert.Equal(seed.AssistantCount, report.AssistantCount);
        Assert.Equal(4, report.UnmanagedCount);
        Assert.True(report.OrphansChecked);
        var request = Assert.Single(host.Server.Requests);
        Assert.Equal(("GET", "/assistant"), (request.Method, request.Path));
    }

    [Fact]
    public async Task AuditAsync_LegacyVoice_ReportsReplacementAndReasonFromTheLiveRuleTable()
    {
        var (host, seed) = await StartMessyAsync(b => b.AddVoiceRule(new Voices.VoiceRule
        {
            Provider = "playht",
            Replacement = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AvaNeural" },
            Reason = "our house voice replaces PlayHT",
        }));
        await using var _ = host;

        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        var playht = report.Findings.Single(f => f.Kind == FleetFindingKind.LegacyVoice && f.AgentKey == "billing");
        Assert.Equal("playht/jennifer", playht.Voice!.ToString());
        Assert.Equal("azure/en-US-AvaNeural", playht.ReplacementVoice!.ToString());
        Assert.Equal("our house voice replaces PlayHT", playht.Reason);
        var jenny = report.Findings.Single(f => f.Kind == FleetFindingKind.LegacyVoice && f.AssistantName == "Sales demo");
        Assert.Null(jenny.SyncKey);
        Assert.Equal("azure/en-US-JennyNeural", jenny.ReplacementVoice!.ToString());
    }

    [Fact]
    public async Task AuditAsync_DuplicatesWithoutState_KeepTheOldest()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        var oldest = host.Server.GetAssistants(IntegrationHost.PlatformAccount)
            .Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == "demo-org/after-hours")
            .OrderBy(a => a["createdAt"]!.GetValue<string>(), StringComparer.Ordinal).First()["id"]!.GetValue<string>();
        Assert.All(report.Findings.Where(f => f.Kind == FleetFindingKind.Duplicate), f =>
        {
            Assert.Equal(oldest, f.KeptAssistantId);
            Assert.Equal(FleetDuplicateWinner.Oldest, f.Winner);
            Assert.Equal("after-hours", f.AgentKey);
        });
    }

    [Fact]
    public async Task AuditAsync_StatePointsIntoDuplicateGroup_KeepsTheStatesAssistant()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var newest = seed.DuplicateAssistantIds[^1];
        await host.Services.GetRequiredService<IAssistantStateStore>().SetAsync(Organization, "after-hours", new AssistantState(newest, "hash", DateTimeOffset.UtcNow));

        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        var losers = report.Findings.Where(f => f.Kind == FleetFindingKind.Duplicate).ToList();
        Assert.Equal(2, losers.Count);
        Assert.DoesNotContain(losers, f => f.AssistantId == newest);
        Assert.All(losers, f => Assert.Equal((newest, FleetDuplicateWinner.State), (f.KeptAssistantId!, f.Winner!.Value)));
    }

    [Fact]
    public async Task AuditAsync_NoLiveKeys_OrphansComeFromTheStateStore()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var store = host.Services.GetRequiredService<IAssistantStateStore>();
        foreach (var agent in seed.Agents)
        {
            await store.SetAsync(Organization, agent.AgentKey, new AssistantState("id-" + agent.AgentKey, "hash", DateTimeOffset.UtcNow));
        }

        var report = await host.Fleet().AuditAsync(new FleetAuditRequest(Organization), cancellationToken: IntegrationHost.Deadline());

        Assert.True(report.OrphansChecked);
        Assert.Equal(seed.OrphanAssistantIds.Sorted(), report.Ids(FleetFindingKind.Orphan));
        Assert.Empty(report.Ids(FleetFindingKind.Drift)); // no definitions passed: drift is not checked
    }

    [Fact]
    public async Task AuditAsync_OrphanSourceNone_ReportsNoOrphans()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var report = await host.Fleet().AuditAsync(new FleetAuditRequest(Organization) { OrphanSource = FleetOrphanSource.None }, cancellationToken: IntegrationHost.Deadline());

        Assert.False(report.OrphansChecked);
        Assert.Equal(0, report.Count(FleetFindingKind.Orphan));
        Assert.Equal(seed.DuplicateAssistantIds.Sorted(), report.Ids(FleetFindingKind.Duplicate));
    }

    [Fact]
    public async Task AuditAsync_Drift_ListsTheFieldsThatDiffer()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        var drift = report.Findings.Single(f => f.Kind == FleetFindingKind.Drift);
        Assert.Equal("scheduler", drift.AgentKey);
        Assert.Equal(["firstMessage", "model.temperature"], drift.Differences.Select(d => d.Path));
        Assert.Equal("0.3", drift.Differences[1].Expected);
        Assert.Equal("0.9", drift.Differences[1].Actual);
    }

    [Fact]
    public async Task AuditAsync_Report_RoundTripsThroughJson()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var report = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());

        var json = report.ToJson();
        var back = FleetAuditReport.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"kind\": \"LegacyVoice\"", json, StringComparison.Ordinal);
        Assert.Contains("| Duplicate | 2 |", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.DoesNotContain(IntegrationHost.PlatformKey, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditAsync_InvalidRequest_ThrowsBeforeAnyRequest()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();

        await Assert.ThrowsAsync<ArgumentException>(() => fleet.AuditAsync(new FleetAuditRequest(" ")));
        await Assert.ThrowsAsync<ArgumentException>(() => fleet.AuditAsync(new FleetAuditRequest(Organization) { Agents = [seed.Agents[0], seed.Agents[0]] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.LegacyVoices) with { MaxDegreeOfParallelism = 0 }));
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task AuditAsync_TenThousandAssistants_ListsInAtMostElevenRequests()
    {
        // Generous attempt timeouts: a retried page (a slow, loaded test machine) would count as an extra request.
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(120);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(120);
        }));
        MessyAccount.SeedMany(host.Server, IntegrationHost.PlatformAccount, Organization, 10_000, legacyVoiceEvery: 10);

        var report = await host.Fleet().AuditAsync(new FleetAuditRequest(Organization) { OrphanSource = FleetOrphanSource.None }, cancellationToken: IntegrationHost.Deadline(60));

        Assert.Equal(10_000, report.AssistantCount);
        Assert.Equal(1_000, report.Count(FleetFindingKind.LegacyVoice));
        Assert.InRange(host.Server.Requests.Count, 10, 11);
        Assert.All(host.Server.Requests, r => Assert.Equal(("GET", "/assistant", 200), (r.Method, r.Path, r.StatusCode)));
    }
}
