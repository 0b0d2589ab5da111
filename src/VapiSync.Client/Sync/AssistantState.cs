namespace VapiSync.Client;

/// <summary>What the library remembers about one agent's assistant.</summary>
/// <param name="AssistantId">The Vapi assistant id.</param>
/// <param name="DefinitionHash">The hash of the normalized definition last applied (the request body and the account it went to).</param>
/// <param name="UpdatedAt">When the state was written.</param>
public sealed record AssistantState(string AssistantId, string DefinitionHash, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// Gets the fingerprint of the account (credential) that holds the assistant, never the key itself;
    /// <see langword="null"/> for state written before the library recorded it.
    /// </summary>
    public string? AccountFingerprint { get; init; }

    /// <summary>Gets what the sync that wrote this state did, when known.</summary>
    public SyncOutcome? LastOutcome { get; init; }

    /// <summary>
    /// Gets a value indicating whether a create of unknown outcome (cancelled, unanswered, unconverged) may have left a
    /// second assistant carrying the agent's sync key next to <see cref="AssistantId"/>: the next sync, in any instance
    /// sharing this store, lists the account and keeps one before trusting <see cref="AssistantId"/>.
    /// </summary>
    public bool NeedsLookup { get; init; }

    /// <summary>Gets the agent's assistants left behind in accounts it no longer uses; empty when there are none.</summary>
    public IReadOnlyList<OrphanedAssistant> Orphans { get; init; } = [];
}
