using VapiSync.Client.Fleet;
using VapiSync.Client.Http;
using Xunit;
using static VapiSync.Client.IntegrationTests.Fleet.FleetTestSupport;

namespace VapiSync.Client.IntegrationTests.Fleet;

/// <summary>Seeded random faults (503, 429, resets, commit-then-fail, malformed bodies) while repairing: repeated runs converge, and never hurt what must stay.</summary>
public sealed class FleetFaultTests
{

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RepairAsync_UnderRandomFaults_RepeatedRunsConvergeToACleanAccount(int seed)
    {
        var (host, messy) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();
        var keptAfterHours = host.AssistantsOf("after-hours", Organization).OrderBy(a => a["createdAt"]!.GetValue<string>(), StringComparer.Ordinal).First()["id"]!.GetValue<string>();
        host.Server.Faults.EnableRandomFaults(0.3, seed);

        var runs = 0;
        for (; runs < 12; runs++)
        {
            try
            {
                var result = await fleet.RepairAsync(RepairRequest(messy, FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());
                if (result.Actions.Count == 0)
                {
                    break;
                }
            }
            catch (VapiApiException)
            {
                // the listing itself failed after retries: the next run starts over
            }
        }

        host.Server.Faults.DisableRandomFaults();
        Assert.Contains(host.Server.Requests, r => r.Fault is not null && r.Method != "GET"); // writes did meet faults
        var final = await fleet.AuditAsync(AuditRequest(messy), cancellationToken: IntegrationHost.Deadline());
        Assert.True(final.IsClean, $"seed {seed}: not clean after {runs} runs: {string.Join("; ", final.Findings.Select(f => f.Description))}");
        Assert.Equal([keptAfterHours], host.AssistantsOf("after-hours", Organization).Select(a => a["id"]!.GetValue<string>()));
        foreach (var agent in messy.Agents)
        {
            Assert.True(host.AssistantsOf(agent.AgentKey, Organization).Count == 1, $"seed {seed}: agent {agent.AgentKey} lost its assistant or has several");
        }

        Assert.All(messy.UnmanagedLegacyVoiceAssistantIds, id => Assert.Null(host.Stored(id)["metadata"]?["vapiSyncKey"]));
        Assert.Equal(messy.AssistantCount - messy.DuplicateAssistantIds.Count - messy.OrphanAssistantIds.Count, final.AssistantCount);
    }
}
