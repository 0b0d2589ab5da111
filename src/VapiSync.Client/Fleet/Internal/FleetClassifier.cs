using System.Text.Json;
using System.Text.Json.Nodes;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Sync.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>What the classifier needs besides the listing: all of it already loaded, so classifying is pure.</summary>
/// <param name="Normalize">The live voice table.</param>
/// <param name="LiveAgentKeys">The agents that still exist; <see langword="null"/> when orphans are not checked.</param>
/// <param name="StateAssistantIds">The assistant id the state store holds, by agent key (for duplicate groups).</param>
/// <param name="DesiredBodies">What a sync would send, by agent key (for drift).</param>
/// <param name="JudgedVoices">
/// When set, every listed assistant's voice was already judged (<see cref="FleetClassifier.LegacyVoice"/>, while the
/// listing ran): the legacy-voice findings by assistant id, an assistant absent from it not legacy. The classifier takes
/// them as they are instead of judging each voice a second time, so the repair also reports exactly what it sent.
/// </param>
internal sealed record ClassifierInput(
    Func<VoiceConfig?, VoiceNormalization> Normalize,
    IReadOnlySet<string>? LiveAgentKeys,
    IReadOnlyDictionary<string, string> StateAssistantIds,
    IReadOnlyDictionary<string, JsonObject> DesiredBodies,
    IReadOnlyDictionary<string, FleetFinding>? JudgedVoices = null);

/// <summary>Turns one listing into findings. Pure: every input is loaded before, so the rules read as a table and test as one.</summary>
internal static class FleetClassifier
{
    public static List<FleetFinding> Classify(AccountView view, ClassifierInput input)
    {
        var findings = new List<FleetFinding>();
        var legacy = new Dictionary<string, FleetFinding>(StringComparer.Ordinal);
        foreach (var assistant in view.All)
        {
            var finding = input.JudgedVoices is { } judged
                ? judged.GetValueOrDefault(assistant.Id)
                : LegacyVoice(assistant, view.SyncKeys.GetValueOrDefault(assistant.Id), view.AgentKeys.GetValueOrDefault(assistant.Id), input.Normalize);
            if (finding is not null)
            {
                findings.Add(finding);
                legacy[assistant.Id] = finding;
            }
        }

        foreach (var (agentKey, group) in view.ByAgent)
        {
            if (input.LiveAgentKeys is { } live && !live.Contains(agentKey))
            {
                findings.AddRange(group.Select(a => Orphan(a, agentKey, view)));
                continue;
            }

            var (kept, winner) = Winner(group, input.StateAssistantIds.GetValueOrDefault(agentKey));
            findings.AddRange(group.Where(a => a != kept).Select(a => Duplicate(a, agentKey, view, kept, winner, group.Count)));
            if (input.DesiredBodies.TryGetValue(agentKey, out var desired) && Drift(kept, agentKey, view, desired, legacy.GetValueOrDefault(kept.Id)) is { } drift)
            {
                findings.Add(drift);
            }
        }

        findings.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.AssistantId, b.AssistantId));
        return findings;
    }

    /// <summary>The state's assistant when it is in the group; otherwise the oldest, the one a sync would adopt.</summary>
    public static (VapiAssistant Kept, FleetDuplicateWinner Winner) Winner(List<VapiAssistant> oldestFirst, string? stateAssistantId)
    {
        var fromState = stateAssistantId is null ? null : oldestFirst.Find(a => a.Id == stateAssistantId);
        return fromState is not null ? (fromState, FleetDuplicateWinner.State) : (oldestFirst[0], FleetDuplicateWinner.Oldest);
    }

    /// <summary>
    /// Legacy means a rule of the live table replaces the voice; settings dropped alone are not (Vapi holds them already).
    /// Judged from the assistant alone (and its owner), so a repair can act on it while the listing goes on.
    /// </summary>
    public static FleetFinding? LegacyVoice(VapiAssistant assistant, string? syncKey, string? agentKey, Func<VoiceConfig?, VoiceNormalization> normalize)
    {
        if (assistant.Voice is null)
        {
            return null;
        }

        var normalization = normalize(assistant.Voice);
        if (normalization.AppliedRule is not { } rule || !normalization.Changed)
        {
            return null;
        }

        // One object: judged for every listed assistant, so a copy through `with` would be garbage per legacy voice.
        return new FleetFinding
        {
            Kind = FleetFindingKind.LegacyVoice,
            AssistantId = assistant.Id,
            AssistantName = assistant.Name,
            SyncKey = syncKey,
            AgentKey = agentKey,
            Voice = assistant.Voice,
            ReplacementVoice = normalization.Result,
            Reason = rule.Reason,
            Description = $"voice {assistant.Voice} → {normalization.Result} ({rule.Reason})",
        };
    }

    private static FleetFinding Orphan(VapiAssistant assistant, string agentKey, AccountView view) =>
        Finding(FleetFindingKind.Orphan, assistant, view, agentKey) with
        {
            Description = $"agent {agentKey} no longer exists",
        };

    private static FleetFinding Duplicate(VapiAssistant assistant, string agentKey, AccountView view, VapiAssistant kept, FleetDuplicateWinner winner, int groupSize) =>
        Finding(FleetFindingKind.Duplicate, assistant, view, agentKey) with
        {
            KeptAssistantId = kept.Id,
            Winner = winner,
            Description = $"one of {groupSize} assistants of agent {agentKey}; {kept.Id} is kept ({(winner == FleetDuplicateWinner.State ? "the state points to it" : "the oldest")})",
        };

    /// <summary>
    /// A voice that differs only because it is legacy, and whose replacement is the definition's own voice, is reported
    /// once, as the legacy voice: fixing that fixes both.
    /// </summary>
    private static FleetFinding? Drift(VapiAssistant assistant, string agentKey, AccountView view, JsonObject desired, FleetFinding? legacyVoice)
    {
        var differences = FieldDiff.Compare(desired, assistant);
        if (legacyVoice?.ReplacementVoice is { } replacement
            && JsonNode.DeepEquals(JsonSerializer.SerializeToNode(replacement, VapiJsonContext.Default.VoiceConfig), desired["voice"]))
        {
            differences.RemoveAll(d => d.Path == "voice" || d.Path.StartsWith("voice.", StringComparison.Ordinal));
        }

        if (differences.Count == 0)
        {
            return null;
        }

        return Finding(FleetFindingKind.Drift, assistant, view, agentKey) with
        {
            Differences = differences,
            Description = $"differs from agent {agentKey}'s definition in {string.Join(", ", differences.Select(d => d.Path))}",
        };
    }

    private static FleetFinding Finding(FleetFindingKind kind, VapiAssistant assistant, AccountView view, string agentKey) =>
        Finding(kind, assistant, view.SyncKeys.GetValueOrDefault(assistant.Id), agentKey);

    private static FleetFinding Finding(FleetFindingKind kind, VapiAssistant assistant, string? syncKey, string? agentKey) => new()
    {
        Kind = kind,
        AssistantId = assistant.Id,
        AssistantName = assistant.Name,
        SyncKey = syncKey,
        AgentKey = agentKey,
        Description = string.Empty,
    };
}
