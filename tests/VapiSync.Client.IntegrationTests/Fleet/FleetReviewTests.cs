using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;
using VapiSync.Client.Http;
using Xunit;
using static VapiSync.Client.IntegrationTests.Fleet.FleetTestSupport;

namespace VapiSync.Client.IntegrationTests.Fleet;

/// <summary>Attacks on the fleet's most dangerous decisions: what it calls an orphan, which duplicate it keeps.</summary>
public sealed class FleetReviewTests
{
    [Fact]
    public async Task AuditAsync_AutoWithEmptyStateStore_DoesNotCallEveryManagedAssistantAnOrphan()
    {
        // A fresh process: the default in-memory store knows no agent yet. It says nothing about which agents are gone.
        var (host, _) = await StartMessyAsync();
        await using var __ = host;

        var report = await host.Fleet().AuditAsync(new FleetAuditRequest(Organization), cancellationToken: IntegrationHost.Deadline());

        Assert.False(report.OrphansChecked);
        Assert.Equal(0, report.Count(FleetFindingKind.Orphan));
    }

    [Fact]
    public async Task RepairAsync_AutoWithEmptyStateStore_AllKinds_DeletesNoLiveAgentsAssistant()
    {
        var (host, seed) = await StartMessyAsync();
        await using var __ = host;

        await host.Fleet().RepairAsync(new FleetRepairRequest(new FleetAuditRequest(Organization), FleetRepairKinds.All) { Apply = true }, cancellationToken: IntegrationHost.Deadline());

        var deleted = host.Writes().Where(w => w.Method == "DELETE").Select(w => w.Path["/assistant/".Length..]).Sorted();
        Assert.Equal(seed.DuplicateAssistantIds.Sorted(), deleted);
    }

    [Fact]
    public async Task AuditAsync_InvalidAgentDefinition_ErrorNamesTheAgent()
    {
        var (host, _) = await StartMessyAsync();
        await using var __ = host;
        var bad = new FleetAgent("too-long-name", new AssistantDefinition { Name = new string('x', 41) });

        var ex = await Assert.ThrowsAsync<VapiValidationException>(() => host.Fleet().AuditAsync(new FleetAuditRequest(Organization) { Agents = [bad] }));

        Assert.Contains("too-long-name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task RepairAsync_TiedCreatedAtAndStatePointingAtADeletedAssistant_KeepsTheSmallestIdOnly()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ids = SeedTied(host, 3);

        await host.Services.GetRequiredService<IAssistantStateStore>().SetAsync(
            Organization, "tie", new AssistantState("00000000-0000-4000-8000-000000000000", "hash", DateTimeOffset.UtcNow));
        var keep = ids.Order(StringComparer.Ordinal).First();

        var result = await host.Fleet().RepairAsync(
            new FleetRepairRequest(new FleetAuditRequest(Organization) { LiveAgentKeys = ["tie"] }, FleetRepairKinds.All) { Apply = true },
            cancellationToken: IntegrationHost.Deadline());

        Assert.All(result.Audit.Findings, f => Assert.Equal((keep, FleetDuplicateWinner.Oldest), (f.KeptAssistantId!, f.Winner!.Value)));
        Assert.Equal([keep], host.AssistantsOf("tie", Organization).Select(a => a["id"]!.GetValue<string>()));
        var again = await host.Fleet().RepairAsync(
            new FleetRepairRequest(new FleetAuditRequest(Organization) { LiveAgentKeys = ["tie"] }, FleetRepairKinds.All) { Apply = true },
            cancellationToken: IntegrationHost.Deadline());
        Assert.Empty(again.Actions);
    }
    [Fact]
    public async Task SyncAndAudit_ManyDuplicatesTiedOnCreatedAt_PickTheSameWinner()
    {
        // A sync adopting one assistant while the fleet keeps another means the fleet deletes what the state points to.
        await using var host = await IntegrationHost.StartAsync();
        var ids = SeedTied(host, 40);

        var audit = await host.Fleet().AuditAsync(new FleetAuditRequest(Organization) { OrphanSource = FleetOrphanSource.None }, cancellationToken: IntegrationHost.Deadline());
        var synced = await host.Manager.EnsureAssistantAsync(
            new AssistantSyncRequest(Organization, "tie", new AssistantDefinition { Name = "Tie" }), IntegrationHost.Deadline());

        var kept = audit.Findings.Select(f => f.KeptAssistantId).Distinct().Single();
        Assert.Equal(ids.Order(StringComparer.Ordinal).First(), kept);
        Assert.Equal(kept, synced.AssistantId);
    }

    /// <summary>Assistants of agent "tie" all created in the same millisecond.</summary>
    private static List<string> SeedTied(IntegrationHost host, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject
            {
                ["name"] = "Tie " + i,
                ["metadata"] = new JsonObject { ["vapiSyncKey"] = Organization + "/tie" },
            });
            host.Server.ModifyAssistant(IntegrationHost.PlatformAccount, id, a => a["createdAt"] = "2025-06-02T09:00:00.000Z");
            ids.Add(id);
        }

        return ids;
    }
}
