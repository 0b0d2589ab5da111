using System.Diagnostics;

namespace VapiSync.Client.Sync.Internal;

/// <summary>The sync's trace tags and its outcome's name, shared by its span and its metrics.</summary>
internal static class SyncTelemetry
{
    public static void Complete(Activity? activity, SyncOutcome outcome, string assistantId)
    {
        activity?.SetTag("vapisync.outcome", OutcomeName(outcome));
        activity?.SetTag("vapisync.assistant_id", assistantId);
    }

    public static string OutcomeName(SyncOutcome outcome) => outcome switch
    {
        SyncOutcome.Created => "created",
        SyncOutcome.Updated => "updated",
        SyncOutcome.Unchanged => "unchanged",
        SyncOutcome.Recreated => "recreated",
        SyncOutcome.Adopted => "adopted",
        SyncOutcome.Moved => "moved",
        _ => "unknown",
    };
}
