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
    /// <param name="early">
    /// The fixes <see cref="PlanEarly"/> already chose, by assistant id: where the plan chooses the same write from the
    /// same finding, it holds that very fix (already queued, its outcome already recorded) rather than an equal copy.
    /// </param>
    public static List<PlannedFix> Plan(
        IReadOnlyList<FleetFinding> findings, FleetRepairKinds kinds, IReadOnlySet<string>? selected, IReadOnlyDictionary<string, DesiredAssistant> desired,
        IReadOnlyDictionary<string, PlannedFix>? early = null)
    {
        // One stable sort instead of a group per assistant: each assistant's findings stay in the order they came in.
        var fixes = new List<PlannedFix>();
        var sorted = findings.OrderBy(f => f.AssistantId, StringComparer.Ordinal).ToArray();
        var assistant = new List<FleetFinding>();
        for (var start = 0; start < sorted.Length;)
        {
            var id = sorted[start].AssistantId;
            var end = start + 1;
            while (end < sorted.Length && string.Equals(sorted[end].AssistantId, id, StringComparison.Ordinal))
            {
                end++;
            }

            if (selected is null || selected.Contains(id))
            {
                assistant.Clear();
                for (var i = start; i < end; i++)
                {
                    assistant.Add(sorted[i]);
                }

                PlanOne(fixes, assistant, kinds, desired, early);
            }

            start = end;
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

    /// <summary>What a voice fix resolves: one list for every voice fix, read-only.</summary>
    private static readonly IReadOnlyList<FleetFindingKind> LegacyVoiceOnly = Array.AsReadOnly([FleetFindingKind.LegacyVoice]);

    /// <summary>The PATCH of a legacy voice alone, when voices are a chosen kind and the rule table has a replacement.</summary>
    private static PlannedFix? VoiceFix(FleetFinding? legacy, FleetRepairKinds kinds) =>
        kinds.HasFlag(FleetRepairKinds.LegacyVoices) && legacy is { ReplacementVoice: { } replacement }
            ? new PlannedFix(legacy.AssistantId, legacy.AgentKey, FleetRepairOperation.PatchVoice, LegacyVoiceOnly, $"patch {legacy.Description}", Voice: replacement, Source: legacy)
            : null;

    private static FleetFinding? Of(List<FleetFinding> findings, FleetFindingKind kind)
    {
        foreach (var finding in findings)
        {
            if (finding.Kind == kind)
            {
                return finding;
            }
        }

        return null;
    }

    private static void PlanOne(
        List<PlannedFix> fixes, List<FleetFinding> findings, FleetRepairKinds kinds, IReadOnlyDictionary<string, DesiredAssistant> desired,
        IReadOnlyDictionary<string, PlannedFix>? early)
    {
        var first = findings[0];

        // Deleting makes every other fix moot.
        var delete = (kinds.HasFlag(FleetRepairKinds.Duplicates) ? Of(findings, FleetFindingKind.Duplicate) : null)
            ?? (kinds.HasFlag(FleetRepairKinds.Orphans) ? Of(findings, FleetFindingKind.Orphan) : null);
        if (delete is not null)
        {
            fixes.Add(new PlannedFix(first.AssistantId, first.AgentKey, FleetRepairOperation.Delete, [.. findings.ConvertAll(f => f.Kind)], $"delete: {delete.Description}"));
            return;
        }

        var voiceFixed = false;
        var legacy = Of(findings, FleetFindingKind.LegacyVoice);
        if (kinds.HasFlag(FleetRepairKinds.Drift) && Of(findings, FleetFindingKind.Drift) is { AgentKey: { } agentKey } drift
            && desired.TryGetValue(agentKey, out var definition))
        {
            // The definition's voice is already normalized; without one, a PATCH leaves the legacy voice in place.
            voiceFixed = definition.Definition.Voice is not null && legacy is not null;
            List<FleetFindingKind> covered = voiceFixed ? [FleetFindingKind.Drift, FleetFindingKind.LegacyVoice] : [FleetFindingKind.Drift];
            fixes.Add(new PlannedFix(first.AssistantId, agentKey, FleetRepairOperation.Reapply, covered, $"re-apply agent {agentKey}'s definition: {drift.Description}", Desired: definition));
        }

        if (voiceFixed || legacy is null)
        {
            return;
        }

        if (early is not null && early.TryGetValue(legacy.AssistantId, out var already) && ReferenceEquals(already.Source, legacy) && kinds.HasFlag(FleetRepairKinds.LegacyVoices))
        {
            fixes.Add(already);
        }
        else if (VoiceFix(legacy, kinds) is { } voice)
        {
            fixes.Add(voice);
        }
    }
}
