using VapiSync.Client.Voices;

namespace VapiSync.Client;

/// <summary>What <see cref="IVapiAssistantManager.EnsureAssistantAsync"/> did.</summary>
public sealed record AssistantSyncResult
{
    /// <summary>Gets the Vapi id of the agent's assistant.</summary>
    public required string AssistantId { get; init; }

    /// <summary>Gets what was done.</summary>
    public required SyncOutcome Outcome { get; init; }

    /// <summary>Gets what happened to the voice.</summary>
    public required VoiceNormalization Voice { get; init; }

    /// <summary>Gets the name of the credential source used (for example <c>Options:PlatformApiKey</c>); never the key.</summary>
    public required string CredentialSource { get; init; }

    /// <summary>
    /// Gets the agent's assistants left in accounts it no longer uses because they could not be deleted there (see
    /// <see cref="AssistantState.Orphans"/>); empty when there are none. Each is logged as a warning when recorded.
    /// </summary>
    public IReadOnlyList<OrphanedAssistant> Orphans { get; init; } = [];
}
