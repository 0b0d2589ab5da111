using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>The fleet's instruments on the library's meter. Tags are low-cardinality: kind, operation, status; never ids.</summary>
internal sealed class FleetMetrics
{
    private readonly Counter<long> _findings;
    private readonly Counter<long> _writes;

    public FleetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _findings = meter.CreateCounter<long>("vapisync.fleet.finding.count", "{finding}", "Findings of fleet audits, by kind.");
        _writes = meter.CreateCounter<long>("vapisync.fleet.repair.write.count", "{write}", "Writes sent by fleet repairs, by operation and status (done, already_done, failed).");
    }

    public void RecordFindings(IReadOnlyList<FleetFinding> findings)
    {
        foreach (var group in findings.GroupBy(f => f.Kind))
        {
            _findings.Add(group.Count(), new KeyValuePair<string, object?>("vapisync.fleet.kind", KindName(group.Key)));
        }
    }

    public void RecordWrite(FleetRepairOperation operation, FleetRepairStatus status) => _writes.Add(
        1,
        new("vapisync.fleet.operation", operation switch
        {
            FleetRepairOperation.PatchVoice => "patch_voice",
            FleetRepairOperation.Delete => "delete",
            _ => "reapply",
        }),
        new("vapisync.fleet.status", status switch
        {
            FleetRepairStatus.Done => "done",
            FleetRepairStatus.AlreadyDone => "already_done",
            _ => "failed",
        }));

    private static string KindName(FleetFindingKind kind) => kind switch
    {
        FleetFindingKind.LegacyVoice => "legacy_voice",
        FleetFindingKind.Duplicate => "duplicate",
        FleetFindingKind.Orphan => "orphan",
        _ => "drift",
    };
}
