using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Credentials;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;

namespace VapiSync.Verify;

/// <summary>
/// A messy account (what naive sync code leaves behind) audited, repaired and audited clean, in an account of its
/// own so the other checks are not disturbed. Needs the fake: the damage is seeded.
/// </summary>
internal static class FleetCheck
{
    private const string Key = "sk-verify-fleet-key";
    private const string Account = "fleet-account";

    public static async Task<string> MessyAccountRepairedAsync(FakeVapiServer fake, CancellationToken ct)
    {
        fake.AddApiKey(Key, Account);
        var seed = MessyAccount.Seed(fake, Account, "fleet-org");
        var services = new ServiceCollection();
        services.AddVapiSync(o =>
        {
            o.BaseUrl = fake.BaseAddress;
            o.PlatformApiKey = Key;
        });
        await using var provider = services.BuildServiceProvider();
        var fleet = provider.GetRequiredService<IVapiFleet>();
        var audit = new FleetAuditRequest(seed.OrganizationId) { Agents = seed.Agents, LiveAgentKeys = [.. seed.Agents.Select(a => a.AgentKey)] };
        var fingerprint = VapiCredential.ComputeFingerprint(Key);
        int Writes() => fake.Requests.Count(r => r.KeyFingerprint == fingerprint && r.Method != "GET");

        var before = await fleet.AuditAsync(audit, cancellationToken: ct);
        Expect(
            before.Count(FleetFindingKind.LegacyVoice) == seed.LegacyVoiceAssistantIds.Count && before.Count(FleetFindingKind.Duplicate) == seed.DuplicateAssistantIds.Count
            && before.Count(FleetFindingKind.Orphan) == seed.OrphanAssistantIds.Count && before.Count(FleetFindingKind.Drift) == seed.DriftedAssistantIds.Count,
            $"audit found {Summary(before)}, expected {seed.LegacyVoiceAssistantIds.Count}/{seed.DuplicateAssistantIds.Count}/{seed.OrphanAssistantIds.Count}/{seed.DriftedAssistantIds.Count}");

        var dryRun = await fleet.RepairAsync(new FleetRepairRequest(audit, FleetRepairKinds.All), cancellationToken: ct);
        Expect(Writes() == 0 && dryRun.Actions.Count > 0, $"dry run planned {dryRun.Actions.Count} and sent {Writes()} writes");

        var repaired = await fleet.RepairAsync(new FleetRepairRequest(audit, FleetRepairKinds.All) { Apply = true }, cancellationToken: ct);
        var repairWrites = Writes();
        Expect(repaired.RemainingCount == 0, $"{repaired.RemainingCount} fixes failed");

        var after = await fleet.AuditAsync(audit, cancellationToken: ct);
        Expect(after.IsClean, $"after repair: {Summary(after)}");
        var unmanaged = fake.GetAssistants(Account).Where(a => seed.UnmanagedLegacyVoiceAssistantIds.Contains(a["id"]!.GetValue<string>())).ToList();
        Expect(unmanaged.All(a => a["metadata"]?["vapiSyncKey"] is null), "an unmanaged assistant gained a sync key");

        var again = await fleet.RepairAsync(new FleetRepairRequest(audit, FleetRepairKinds.All) { Apply = true }, cancellationToken: ct);
        Expect(Writes() == repairWrites && again.Actions.Count == 0, $"second repair sent {Writes() - repairWrites} writes");

        return $"{before.AssistantCount} assistants: {Summary(before)} · dry run 0 writes · repair {repairWrites} writes "
            + $"({repaired.Actions.Count(a => a.Operation == FleetRepairOperation.Delete)} DELETE, {repaired.Actions.Count(a => a.Operation != FleetRepairOperation.Delete)} PATCH; unmanaged voices fixed without a sync key) "
            + "· audit clean · second repair 0 writes";
    }

    private static string Summary(FleetAuditReport report) =>
        $"{report.Count(FleetFindingKind.LegacyVoice)} legacy voices, {report.Count(FleetFindingKind.Duplicate)} duplicates, {report.Count(FleetFindingKind.Orphan)} orphans, {report.Count(FleetFindingKind.Drift)} drifted";

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }
}
