using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Sync.Internal;

/// <summary>Instruments of account moves on the <c>VapiSync.Client</c> meter (the factory hands back the library's one meter).</summary>
internal sealed class AccountMoveMetrics
{
    private readonly Counter<long> _moves;
    private readonly Counter<long> _orphans;

    public AccountMoveMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _moves = meter.CreateCounter<long>("vapisync.account.move.count", "{move}", "Assistants moved to another Vapi account, by what became of the old one (deleted, gone, orphaned).");
        _orphans = meter.CreateCounter<long>("vapisync.account.orphan.count", "{assistant}", "Assistants left in an old account (recorded) or later removed from it (deleted, abandoned).");
    }

    public void RecordMove(string previousAssistantFate) =>
        _moves.Add(1, new KeyValuePair<string, object?>("vapisync.previous_assistant", previousAssistantFate));

    public void RecordOrphan(string action) =>
        _orphans.Add(1, new KeyValuePair<string, object?>("vapisync.orphan.action", action));
}
