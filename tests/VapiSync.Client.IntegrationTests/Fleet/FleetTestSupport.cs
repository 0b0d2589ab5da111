using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests.Fleet;

/// <summary>A messy fake account behind the library, and the audit requests the tests send.</summary>
internal static class FleetTestSupport
{
    public const string Organization = "demo-org";

    public static async Task<(IntegrationHost Host, MessyAccountSeed Seed)> StartMessyAsync(Action<IVapiSyncBuilder>? build = null)
    {
        var host = await IntegrationHost.StartAsync(build: build);
        var seed = MessyAccount.Seed(host.Server, IntegrationHost.PlatformAccount, Organization);
        return (host, seed);
    }

    public static IVapiFleet Fleet(this IntegrationHost host) => host.Services.GetRequiredService<IVapiFleet>();

    public static FleetAuditRequest AuditRequest(MessyAccountSeed seed) => new(seed.OrganizationId)
    {
        Agents = seed.Agents,
        LiveAgentKeys = [.. seed.Agents.Select(a => a.AgentKey)],
    };

    public static FleetRepairRequest RepairRequest(MessyAccountSeed seed, FleetRepairKinds kinds, bool apply = true) =>
        new(AuditRequest(seed), kinds) { Apply = apply };

    public static string[] Ids(this FleetAuditReport report, FleetFindingKind kind) =>
        [.. report.Findings.Where(f => f.Kind == kind).Select(f => f.AssistantId).Order(StringComparer.Ordinal)];

    public static string[] Sorted(this IEnumerable<string> ids) => [.. ids.Order(StringComparer.Ordinal)];

    public static List<Testing.RecordedRequest> Writes(this IntegrationHost host) =>
        [.. host.Server.Requests.Where(r => r.Method != "GET")];

    public static JsonObject Stored(this IntegrationHost host, string assistantId) =>
        host.Server.GetAssistants(IntegrationHost.PlatformAccount).Single(a => a["id"]!.GetValue<string>() == assistantId);

    /// <summary>Reports synchronously on the reporting thread, unlike <see cref="Progress{T}"/>, so a test can act at an exact point.</summary>
    public sealed class InlineProgress(Action<FleetProgress> onReport) : IProgress<FleetProgress>
    {
        public void Report(FleetProgress value) => onReport(value);
    }
}
