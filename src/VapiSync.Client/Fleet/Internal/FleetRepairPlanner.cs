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

    /// <summary>
    /// The voice fix of one assistant judged before the listing is complete, or <see langword="null"/> when the rest of
    /// the account (or the state store) could still change what the assistant gets. Only this organization's managed
    /// assistants can be duplicates, orphans or drifted; for every other assistant, and for every assistant when only
    /// kinds that need no other assistant are chosen, the legacy voice decides alone — and then this is exactly the fix
    /// <see cref="Plan"/> will choose from the complete audit.
    /// </summary>
    /// <param name="legacyVoice">The assistant's legacy-voice finding.</param>
    /// <param name="managedHere">Whether the assistant carries a sync key of the audited organization.</param>
    /// <param name="kinds">The kinds to fix.</param>
    /// <param name="selected">Only these assistants, or all when <see langword="null"/>.</param>
    public static PlannedFix? PlanEarly(FleetFinding legacyVoice, bool managedHere, FleetRepairKinds kinds, IReadOnlySet<string>? selected)
    {
        const FleetRepairKinds needTheWholeAccount = FleetRepairKinds.Duplicates | FleetRepairKinds.Orphans | FleetRepairKinds.Drift;
        var decidedAlone = !managedHere || (kinds & needTheWholeAccount) == 0;
        return decidedAlone && (selected is null || selected.Contains(legacyVoice.AssistantId)) ? VoiceFix(legacyVoice, kinds) : null;
    }

    /// <summary>The PATCH of a legacy voice alone, when voices are a chosen kind and the rule table has a replacement.</summary>
    private static PlannedFix? VoiceFix(FleetFinding? legacy, FleetRepairKinds kinds) =>
        kinds.HasFlag(FleetRepairKinds.LegacyVoices) && legacy is { ReplacementVoice: { } replacement }
            ? new PlannedFix(legacy.AssistantId, legacy.AgentKey, FleetRepairOperation.PatchVoice, [FleetFindingKind.LegacyVoice], $"patch {legacy.Description}", Voice: replacement)
            : null;

    private static IEnumerable<PlannedFix> PlanOne(List<FleetFinding> findings, FleetRepairKinds kinds, IReadOnlyDictionary<string, DesiredAssistant> desired)
    {
        var first = findings[0];
        FleetFinding? Of(FleetFindingKind kind) => findings.Find(f => f.Kind == kind);

        // Deleting makes every other fix moot.
        var delete = (kinds.HasFlag(FleetRepairKinds.Duplicates) ? Of(FleetFindingKind.Duplicate) : null)
            ?? (kinds.HasFlag(FleetRepairKinds.Orphans) ? Of(FleetFindingKind.Orphan) : null);
        if (delete is not null)
        {
            yield return new PlannedFix(first.AssistantId, first.AgentKey, FleetRepairOperation.Delete, [.. findings.Select(f => f.Kind)], $"delete: {delete.Description}");
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

        if (!voiceFixed && VoiceFix(Of(FleetFindingKind.LegacyVoice), kinds) is { } voice)
        {
            yield return voice;
        }
    }
}
