namespace VapiSync.Client;

/// <summary>What a sync did to the agent's assistant.</summary>
public enum SyncOutcome
{
    /// <summary>A new assistant was created (<c>POST</c>).</summary>
    Created,

    /// <summary>The known assistant was updated (<c>PATCH</c>).</summary>
    Updated,

    /// <summary>Nothing changed since the last sync; no request was made.</summary>
    Unchanged,

    /// <summary>The known assistant no longer existed at Vapi (404), so it was created again.</summary>
    Recreated,

    /// <summary>An existing assistant carrying this agent's sync key was found (state was lost) and updated instead of creating another.</summary>
    Adopted,

    /// <summary>
    /// The agent's key now resolves to another Vapi account than the one holding its assistant: the assistant was
    /// created (or adopted) in the new account and the old one deleted (or, when that was impossible, recorded in
    /// <see cref="AssistantState.Orphans"/>).
    /// </summary>
    Moved,
}
