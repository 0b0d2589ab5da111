using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// Random histories of one agent — saves, edits, dashboard edits, deletes in Vapi, lost state, duplicates — with a dry
/// run before every step, checked against what must hold: the dry run writes nothing (no POST, PATCH or DELETE, the
/// state unchanged), it predicts the outcome and assistant of the sync that follows it, and right after a sync a forced
/// dry run finds no difference. CsCheck prints the failing seed; set <c>CsCheck_Seed</c> to replay it.
/// </summary>
public sealed class DryRunModelTests
{
    private enum Step
    {
        Sync,
        Edit,
        DashboardEdit,
        DeleteInVapi,
        LoseState,
        Duplicate,
    }

    [Fact]
    public async Task RandomHistories_DryRunWritesNothingAndPredictsTheNextSync()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline(240);

        var histories = Gen.Select(Gen.Bool, Gen.Enum<Step>().Array[1, 12]);
        await histories.SampleAsync(
            async (force, steps) => await new Model(host, force).RunAsync(steps, ct),
            iter: 40,
            threads: 1);
    }

    private sealed class Model(IntegrationHost host, bool force)
    {
        private readonly string _org = "org-" + Guid.NewGuid().ToString("N")[..12];
        private int _version;

        private IAssistantStateStore States => host.Services.GetRequiredService<IAssistantStateStore>();

        public async Task RunAsync(Step[] steps, CancellationToken ct)
        {
            foreach (var step in steps)
            {
                var plan = await DryRunAndCheckAsync(ct);
                switch (step)
                {
                    case Step.Sync:
                        var synced = await host.Manager.EnsureAssistantAsync(Request(), ct);
                        Assert.Equal(plan.Outcome, synced.Outcome);
                        Assert.Equal(plan.AssistantId.Length == 0 ? synced.AssistantId : plan.AssistantId, synced.AssistantId);
                        // An unchanged sync sends nothing (a dashboard edit or delete stays); any other leaves Vapi holding the definition.
                        if (synced.Outcome != SyncOutcome.Unchanged)
                        {
                            var after = await host.Manager.EnsureAssistantAsync(Request() with { DryRun = true, Force = true }, ct);
                            Assert.Equal((SyncOutcome.Updated, synced.AssistantId), (after.Outcome, after.AssistantId));
                            Assert.Empty(after.Differences);
                        }

                        break;
                    case Step.Edit:
                        _version++;
                        break;
                    case Step.DashboardEdit:
                        foreach (var id in Ids())
                        {
                            host.Server.ModifyAssistant(IntegrationHost.PlatformAccount, id, a => a["firstMessage"] = "Edited in the dashboard");
                        }

                        break;
                    case Step.DeleteInVapi:
                        foreach (var id in Ids())
                        {
                            host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, id);
                        }

                        break;
                    case Step.LoseState:
                        await States.RemoveAsync(_org, "agent-1", ct);
                        break;
                    case Step.Duplicate when Ids().Count > 0:
                        host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject
                        {
                            ["name"] = "Retried POST",
                            ["metadata"] = new JsonObject { ["vapiSyncKey"] = $"{_org}/agent-1" },
                        });
                        break;
                }
            }
        }

        private async Task<AssistantSyncResult> DryRunAndCheckAsync(CancellationToken ct)
        {
            var before = await States.GetAsync(_org, "agent-1", ct);
            var assistants = Ids();
            host.Server.ClearRequests();

            var plan = await host.Manager.EnsureAssistantAsync(Request() with { DryRun = true }, ct);

            Assert.True(plan.IsDryRun);
            Assert.Equal((0, 0, 0), (host.Count("POST"), host.Count("PATCH"), host.Count("DELETE")));
            Assert.Equal(before, await States.GetAsync(_org, "agent-1", ct));
            Assert.Equal(assistants, Ids());
            Assert.Equal(plan.Outcome is SyncOutcome.Created or SyncOutcome.Recreated, plan.AssistantId.Length == 0);
            Assert.True(plan.AssistantId.Length > 0 || plan.Differences.All(d => d.Actual is null));
            return plan;
        }

        private List<string> Ids() => [.. host.AssistantsOf("agent-1", _org).Select(a => a["id"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

        private AssistantSyncRequest Request() => IntegrationHost.Request(org: _org, name: $"Receptionist v{_version}") with { Force = force };
    }
}
