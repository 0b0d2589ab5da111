using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;
using Xunit;
using static VapiSync.Client.IntegrationTests.Fleet.FleetTestSupport;

namespace VapiSync.Client.IntegrationTests.Fleet;

public sealed class FleetRepairTests
{

    [Fact]
    public async Task RepairAsync_DryRunByDefault_PlansWithoutWriting()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var result = await host.Fleet().RepairAsync(new FleetRepairRequest(AuditRequest(seed), FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());

        Assert.False(result.Applied);
        Assert.All(result.Actions, a => Assert.Equal(FleetRepairStatus.Planned, a.Status));
        Assert.Equal(0, result.WriteCount);
        Assert.Empty(host.Writes());
        // 2 duplicates + 2 orphans deleted (one orphan's legacy voice is moot), 1 re-apply, 3 voice PATCHes.
        Assert.Equal(4, result.Actions.Count(a => a.Operation == FleetRepairOperation.Delete));
        Assert.Equal(1, result.Actions.Count(a => a.Operation == FleetRepairOperation.Reapply));
        Assert.Equal(3, result.Actions.Count(a => a.Operation == FleetRepairOperation.PatchVoice));
    }

    [Fact]
    public async Task RepairAsync_VoicesOnly_FixesExactlyTheLegacyVoices()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();

        var result = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.LegacyVoices), cancellationToken: IntegrationHost.Deadline());

        Assert.Equal(seed.LegacyVoiceAssistantIds.Sorted(), result.Actions.Select(a => a.AssistantId).Sorted());
        Assert.All(host.Writes(), w =>
        {
            Assert.Equal("PATCH", w.Method);
            Assert.Equal(["voice"], JsonNode.Parse(w.Body!)!.AsObject().Select(p => p.Key)); // the voice alone
        });
        var after = await fleet.AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());
        Assert.Equal(0, after.Count(FleetFindingKind.LegacyVoice));
        Assert.Equal(seed.DuplicateAssistantIds.Sorted(), after.Ids(FleetFindingKind.Duplicate));
        Assert.Equal(seed.OrphanAssistantIds.Sorted(), after.Ids(FleetFindingKind.Orphan));
        Assert.Equal(seed.DriftedAssistantIds.Sorted(), after.Ids(FleetFindingKind.Drift));
    }

    [Fact]
    public async Task RepairAsync_UnmanagedLegacyVoice_FixedWithoutGainingASyncKey()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.LegacyVoices), cancellationToken: IntegrationHost.Deadline());

        foreach (var id in seed.UnmanagedLegacyVoiceAssistantIds)
        {
            var stored = host.Stored(id);
            Assert.Equal("azure", stored["voice"]!["provider"]!.GetValue<string>());
            Assert.Equal("en-US-JennyNeural", stored["voice"]!["voiceId"]!.GetValue<string>());
            Assert.Null(stored["metadata"]?["vapiSyncKey"]);
        }
    }

    [Fact]
    public async Task RepairAsync_DuplicatesOnly_DeletesTheLosersAndNothingElse()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var result = await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.Duplicates), cancellationToken: IntegrationHost.Deadline());

        Assert.All(result.Actions, a => Assert.Equal((FleetRepairOperation.Delete, FleetRepairStatus.Done), (a.Operation, a.Status)));
        Assert.Equal(seed.DuplicateAssistantIds.Sorted(), host.Writes().Select(w => w.Path["/assistant/".Length..]).Sorted());
        Assert.All(host.Writes(), w => Assert.Equal("DELETE", w.Method));
        Assert.Single(host.AssistantsOf("after-hours", Organization));
    }

    [Fact]
    public async Task RepairAsync_OrphansAreOptIn()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        var withoutOrphans = await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.All & ~FleetRepairKinds.Orphans), cancellationToken: IntegrationHost.Deadline());

        Assert.DoesNotContain(withoutOrphans.Actions, a => a.Operation == FleetRepairOperation.Delete && seed.OrphanAssistantIds.Contains(a.AssistantId));
        var audit = await host.Fleet().AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline());
        Assert.Equal(seed.OrphanAssistantIds.Sorted(), audit.Ids(FleetFindingKind.Orphan));
        Assert.Equal(audit.Count(FleetFindingKind.Orphan), audit.Findings.Count); // everything else is fixed
    }

    [Fact]
    public async Task RepairAsync_Drift_ReappliesTheDefinition()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;

        await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.Drift), cancellationToken: IntegrationHost.Deadline());

        var write = Assert.Single(host.Writes());
        Assert.Equal(("PATCH", "/assistant/" + seed.DriftedAssistantIds[0]), (write.Method, write.Path));
        var stored = host.Stored(seed.DriftedAssistantIds[0]);
        Assert.Equal("I can book, move or cancel an appointment.", stored["firstMessage"]!.GetValue<string>());
        Assert.Equal("demo-org/scheduler", stored["metadata"]!["vapiSyncKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task RepairAsync_SecondRun_IsANoOp()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();
        var first = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());
        Assert.All(first.Actions, a => Assert.Equal(FleetRepairStatus.Done, a.Status));
        host.Server.ClearRequests();

        var second = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());

        Assert.True(second.Audit.IsClean);
        Assert.Empty(second.Actions);
        Assert.Empty(host.Writes());
        Assert.All(host.Server.Requests, r => Assert.Equal(("GET", "/assistant"), (r.Method, r.Path)));
    }

    [Fact]
    public async Task RepairAsync_Interrupted_NextRunFinishesWithoutTouchingWhatIsFixed()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(IntegrationHost.Deadline());
        var progress = new InlineProgress(p =>
        {
            if (p is { Phase: FleetPhase.Repairing, Completed: 3 })
            {
                interrupt.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.All) with { MaxDegreeOfParallelism = 1 }, progress, interrupt.Token));
        var firstRun = host.Writes().Select(w => w.Path).ToList();
        Assert.Equal(3, firstRun.Count);
        host.Server.ClearRequests();

        var resumed = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());

        Assert.Equal(8 - 3, resumed.WriteCount);
        Assert.Empty(host.Writes().Select(w => w.Path).Intersect(firstRun));
        Assert.True((await fleet.AuditAsync(AuditRequest(seed), cancellationToken: IntegrationHost.Deadline())).IsClean);
    }

    /// <summary>
    /// Voices only: every fix is judged while the listing runs (the pipelined path). Interrupted after three writes, the
    /// next run writes the rest and nothing already fixed, and the run after that writes nothing.
    /// </summary>
    [Fact]
    public async Task RepairAsync_PipelinedVoicesInterrupted_NextRunFinishesAndTheOneAfterIsANoOp()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ids = MessyAccount.SeedMany(host.Server, IntegrationHost.PlatformAccount, Organization, 40, legacyVoiceEvery: 2);
        var fleet = host.Fleet();
        var request = new FleetRepairRequest(new FleetAuditRequest(Organization) { OrphanSource = FleetOrphanSource.None }, FleetRepairKinds.LegacyVoices) { Apply = true };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(IntegrationHost.Deadline());
        var progress = new InlineProgress(p =>
        {
            if (p is { Phase: FleetPhase.Repairing, Completed: 3 })
            {
                interrupt.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.RepairAsync(request with { MaxDegreeOfParallelism = 1 }, progress, interrupt.Token));
        var firstRun = host.Writes().Select(w => w.Path).ToList();
        Assert.Equal(3, firstRun.Count);
        host.Server.ClearRequests();

        var resumed = await fleet.RepairAsync(request, cancellationToken: IntegrationHost.Deadline());

        Assert.Equal(20 - 3, resumed.WriteCount);
        Assert.All(resumed.Actions, a => Assert.Equal((FleetRepairOperation.PatchVoice, FleetRepairStatus.Done), (a.Operation, a.Status)));
        Assert.Empty(host.Writes().Select(w => w.Path).Intersect(firstRun));
        Assert.Equal(ids.Where((_, i) => i % 2 == 0).Select(id => "/assistant/" + id).Sorted(), firstRun.Concat(host.Writes().Select(w => w.Path)).Sorted());
        host.Server.ClearRequests();

        var third = await fleet.RepairAsync(request, cancellationToken: IntegrationHost.Deadline());

        Assert.Empty(third.Actions);
        Assert.Equal(0, third.WriteCount);
        Assert.Empty(host.Writes());
        Assert.Equal(0, third.Audit.Count(FleetFindingKind.LegacyVoice));
    }

    [Fact]
    public async Task RepairAsync_RefusedWrite_IsReportedAndRetriedByTheNextRun()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var fleet = host.Fleet();
        host.Server.PinAssistant(IntegrationHost.PlatformAccount, seed.DuplicateAssistantIds[0]);

        var result = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.Duplicates), cancellationToken: IntegrationHost.Deadline());

        var failed = Assert.Single(result.Actions, a => a.Status == FleetRepairStatus.Failed);
        Assert.Equal(seed.DuplicateAssistantIds[0], failed.AssistantId);
        Assert.Contains("409", failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, result.RemainingCount);
        var again = await fleet.RepairAsync(RepairRequest(seed, FleetRepairKinds.Duplicates) with { Apply = false }, cancellationToken: IntegrationHost.Deadline());
        Assert.Equal([seed.DuplicateAssistantIds[0]], again.Actions.Select(a => a.AssistantId));
    }

    [Fact]
    public async Task RepairAsync_SelectedAssistants_FixesOnlyThose()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var only = seed.UnmanagedLegacyVoiceAssistantIds[0];

        var result = await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.All) with { AssistantIds = [only] }, cancellationToken: IntegrationHost.Deadline());

        Assert.Equal([only], result.Actions.Select(a => a.AssistantId));
        Assert.Equal(["/assistant/" + only], host.Writes().Select(w => w.Path));
    }

    [Fact]
    public async Task RepairAsync_ReportsProgressUpToTheTotal()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        var reports = new List<FleetProgress>();

        await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.All), new InlineProgress(p => { lock (reports) { reports.Add(p); } }), IntegrationHost.Deadline());

        Assert.Contains(new FleetProgress(FleetPhase.Listing, seed.AssistantCount, seed.AssistantCount), reports);
        Assert.Contains(new FleetProgress(FleetPhase.Repairing, 8, 8), reports);
        Assert.Equal(FleetPhase.Completed, reports[^1].Phase);
    }
}
