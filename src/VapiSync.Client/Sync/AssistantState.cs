namespace VapiSync.Client;

/// <summary>What the library remembers about one agent's assistant.</summary>
/// <param name="AssistantId">The Vapi assistant id.</param>
/// <param name="DefinitionHash">The hash of the normalized definition last applied (the request body and the account it went to).</param>
/// <param name="UpdatedAt">When the state was written.</param>
public sealed record AssistantState(string AssistantId, string DefinitionHash, DateTimeOffset UpdatedAt);
