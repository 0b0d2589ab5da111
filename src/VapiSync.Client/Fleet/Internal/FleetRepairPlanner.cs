using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>
/// Chooses the writes for the findings of the chosen kinds: at most one write of each operation per assistant, and
/// none that a stronger one makes moot. Pure, so a fresh audit always yields exactly the writes still needed.
/// </summary>
internal static class FleetRepairPlanner
{
    /// <param name="findings">The audit's findings.</param>
    /// <param name="kinds">The kinds to fix.</param>
    /// <param name="selected">Only these assistants, or all when <see langword="null"/>.</param>
    /// <param name="desired">What a sync would send, by agent key (for re-applying drifted definitions).</param>
    public static List<PlannedFix> Plan(
        IReadOnlyList<FleetFinding> findings, FleetRepairKinds kinds, IReadOnlySet<string>? selected, IReadOnlyDictionary<string, DesiredAssistant> desired)
    {
        var fixes = new List<PlannedFix>();
        foreach (var assistant in findings.GroupBy(f => f.AssistantId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (selected is null || selected.Contains(assistant.Key))
            {
                fixes.AddRange(PlanOne(assistant.ToList(), kinds, desired));
            }
        }

        return fixes;
    }

    private static IEnumerable<PlannedFix> PlanOne(List<FleetFinding> findings, FleetRepairKinds kinds, IReadOnlyDictionary<string, DesiredAssistant> desired)
    {
        var first = findings[0];
        FleetFinding? Of(FleetFindingKind kind) => findings.Find(f => f.Kind == kind);
        var all = findings.Select(f => f.Kind).ToList();

        // Deleting makes every other fix moot.
        var delete = (kinds.HasFlag(FleetRepairKinds.Duplicates) ? Of(FleetFindingKind.Duplicate) : null)
            ?? (kinds.HasFlag(FleetRepairKinds.Orphans) ? Of(FleetFindingKind.Orphan) : null);
        if (delete is not null)
        {
            yield return new PlannedFix(first.AssistantId, first.AgentKey, FleetRepairOperation.Delete, all, $"delete: {delete.Description}");
            yield break;
        }

        var voiceFixed = false;
        if (kinds.HasFlag(FleetRepairKinds.Drift) && Of(FleetFindingKind.Drift) is { AgentKey: { } agentKey } drift
            && desired.TryGetValue(agentKey, out var definition))
        {
            // The definition's voice is already normalized; without one, a PATCH leaves the legacy voice in place.
            voiceFixed = definition.Definition.Voice is not null && Of(FleetFindingKind.LegacyVoice) is not null;
            List<FleetFindingKind> covered = voiceFixed ? [FleetFindingKind.Drift, FleetFindingKind.LegacyVoice] : [FleetFindingKind.Drift];
            yield return new PlannedFix(first.AssistantId, agentKey, FleetRepairOperation.Reapply, covered, $"re-apply agent {agentKey}'s definition: {drift.Description}", Desired: definition);
        }

        if (!voiceFixed && kinds.HasFlag(FleetRepairKinds.LegacyVoices) && Of(FleetFindingKind.LegacyVoice) is { ReplacementVoice: { } replacement } legacy)
        {
            yield return new PlannedFix(first.AssistantId, first.AgentKey, FleetRepairOperation.PatchVoice, [FleetFindingKind.LegacyVoice], $"patch {legacy.Description}", Voice: replacement);
        }
    }
}
