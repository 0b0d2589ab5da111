using VapiSync.Client.Fleet;
using VapiSync.Client.Voices;

namespace VapiSync.Client;

/// <summary>What <see cref="IVapiAssistantManager.EnsureAssistantAsync"/> did, or for a dry run (<see cref="IsDryRun"/>) what it would do.</summary>
public sealed record AssistantSyncResult
{
    /// <summary>Gets the Vapi id of the agent's assistant.</summary>
    /// <value>
    /// For a dry run, the assistant the sync would update (or leave unchanged); an empty string when it would create one
    /// (<see cref="SyncOutcome.Created"/>, <see cref="SyncOutcome.Recreated"/>, or a <see cref="SyncOutcome.Moved"/> that creates).
    /// </value>
    public required string AssistantId { get; init; }

    /// <summary>Gets what was done, or for a dry run what the sync would do.</summary>
    public required SyncOutcome Outcome { get; init; }

    /// <summary>Gets a value indicating whether this is the plan of a dry run (<see cref="AssistantSyncRequest.DryRun"/>): nothing was written.</summary>
    public bool IsDryRun { get; init; }

    /// <summary>
    /// Gets, for a dry run, each field the sync would change: <see cref="FleetFieldDifference.Expected"/> is the value it
    /// would send, <see cref="FleetFieldDifference.Actual"/> the value Vapi holds (<see langword="null"/> for every field
    /// of a planned create). Only the fields the library sends are compared, as the fleet's drift check does, so a dry run
    /// right after a sync of the same definition has none. Empty for a real sync, and for a dry run whose plan makes no request.
    /// </summary>
    public IReadOnlyList<FleetFieldDifference> Differences { get; init; } = [];

    /// <summary>Gets what happened to the voice.</summary>
    public required VoiceNormalization Voice { get; init; }

    /// <summary>Gets the name of the credential source used (for example <c>Options:PlatformApiKey</c>); never the key.</summary>
    public required string CredentialSource { get; init; }

    /// <summary>
    /// Gets the agent's assistants left in accounts it no longer uses because they could not be deleted there (see
    /// <see cref="AssistantState.Orphans"/>); empty when there are none. Each is logged as a warning when recorded.
    /// For a dry run, those recorded so far (the dry run deletes none).
    /// </summary>
    public IReadOnlyList<OrphanedAssistant> Orphans { get; init; } = [];
}
