using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>One write the repair will make, with what it sends.</summary>
/// <param name="AssistantId">The assistant.</param>
/// <param name="AgentKey">Its agent, when it is the organization's.</param>
/// <param name="Operation">The write.</param>
/// <param name="Fixes">The kinds of findings it resolves.</param>
/// <param name="Description">A one-line description.</param>
/// <param name="Voice">The replacement voice (<see cref="FleetRepairOperation.PatchVoice"/>).</param>
/// <param name="Desired">The definition to re-apply (<see cref="FleetRepairOperation.Reapply"/>).</param>
/// <param name="Source">The legacy-voice finding a voice fix was chosen from.</param>
internal sealed record PlannedFix(
    string AssistantId,
    string? AgentKey,
    FleetRepairOperation Operation,
    IReadOnlyList<FleetFindingKind> Fixes,
    string Description,
    VoiceConfig? Voice = null,
    DesiredAssistant? Desired = null,
    FleetFinding? Source = null)
{
    /// <summary>Gets or sets the write's outcome, once it was sent (set by its writer, read after every writer finished).</summary>
    public FleetRepairAction? Result { get; set; }
}
