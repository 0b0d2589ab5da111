namespace VapiSync.Client.Fleet;

/// <summary>One thing wrong with one assistant. Properties that do not apply to the <see cref="Kind"/> are <see langword="null"/>.</summary>
public sealed record FleetFinding
{
    /// <summary>Gets what is wrong.</summary>
    public required FleetFindingKind Kind { get; init; }

    /// <summary>Gets the Vapi assistant's id.</summary>
    public required string AssistantId { get; init; }

    /// <summary>Gets the assistant's name, if it has one.</summary>
    public string? AssistantName { get; init; }

    /// <summary>Gets the sync key the assistant carries in its metadata; <see langword="null"/> for an unmanaged assistant.</summary>
    public string? SyncKey { get; init; }

    /// <summary>Gets the agent key, when the sync key is one of the audited organization's.</summary>
    public string? AgentKey { get; init; }

    /// <summary>Gets the voice the assistant has (<see cref="FleetFindingKind.LegacyVoice"/>).</summary>
    public VoiceConfig? Voice { get; init; }

    /// <summary>Gets the voice it would get, per the live rule table (<see cref="FleetFindingKind.LegacyVoice"/>).</summary>
    public VoiceConfig? ReplacementVoice { get; init; }

    /// <summary>Gets the rule's reason (<see cref="FleetFindingKind.LegacyVoice"/>), for example "PlayHT shut down its API on 2025-12-31".</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the id of the assistant kept instead of this one (<see cref="FleetFindingKind.Duplicate"/>).</summary>
    public string? KeptAssistantId { get; init; }

    /// <summary>Gets why that one is kept (<see cref="FleetFindingKind.Duplicate"/>).</summary>
    public FleetDuplicateWinner? Winner { get; init; }

    /// <summary>Gets the fields that differ (<see cref="FleetFindingKind.Drift"/>); empty for other kinds.</summary>
    public IReadOnlyList<FleetFieldDifference> Differences { get; init; } = [];

    /// <summary>Gets a one-line, human-readable description.</summary>
    public required string Description { get; init; }
}
