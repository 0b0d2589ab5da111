using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using VapiSync.Client.Fleet;
using Xunit;
using static VapiSync.Client.IntegrationTests.Fleet.FleetTestSupport;

namespace VapiSync.Client.IntegrationTests.Fleet;

public sealed class FleetTelemetryTests
{
    [Fact]
    public async Task RepairAsync_EveryWrite_IsLoggedAndCounted()
    {
        var (host, seed) = await StartMessyAsync();
        await using var _ = host;
        using var writes = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.fleet.repair.write.count");
        using var findings = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.fleet.finding.count");

        var result = await host.Fleet().RepairAsync(RepairRequest(seed, FleetRepairKinds.All), cancellationToken: IntegrationHost.Deadline());

        var counted = writes.GetMeasurementSnapshot().Select(m => $"{m.Tags["vapisync.fleet.operation"]}:{m.Tags["vapisync.fleet.status"]}").Order(StringComparer.Ordinal);
        Assert.Equal(["delete:done", "delete:done", "delete:done", "delete:done", "patch_voice:done", "patch_voice:done", "patch_voice:done", "reapply:done"], counted);
        Assert.Equal(9, findings.GetMeasurementSnapshot().Sum(m => m.Value));
        var logged = host.Logs.Collector.GetSnapshot().Where(r => r.Id.Id == 8001).Select(r => r.Message).ToList();
        Assert.Equal(result.Actions.Count, logged.Count);
        Assert.All(result.Actions, a => Assert.Contains(logged, m => m.Contains(a.AssistantId, StringComparison.Ordinal)));
        Assert.DoesNotContain(host.Logs.Collector.GetSnapshot(), r => r.Message.Contains(IntegrationHost.PlatformKey, StringComparison.Ordinal));
    }
}
