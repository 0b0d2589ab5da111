namespace VapiSync.Client;

/// <summary>
/// An assistant the library created for an agent in an account it no longer uses (the agent's key changed) and could
/// not delete there, for example because that account's key can no longer be resolved. Kept in the agent's state so
/// it is reported, never silently forgotten.
/// </summary>
/// <param name="AssistantId">The Vapi assistant id in the old account.</param>
/// <param name="AccountFingerprint">The fingerprint of the old account's key (never the key).</param>
/// <param name="RecordedAt">When the library gave up deleting it.</param>
public sealed record OrphanedAssistant(string AssistantId, string AccountFingerprint, DateTimeOffset RecordedAt);
