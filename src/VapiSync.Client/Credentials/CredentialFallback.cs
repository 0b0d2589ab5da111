namespace VapiSync.Client.Credentials;

/// <summary>
/// Whether a sync may use a later provider's key (usually the platform key) when an earlier provider of the chain
/// <em>failed</em> (threw) for the organization. A provider that answers "no key" (<see langword="null"/>) is not a
/// failure: the chain always moves on from it.
/// </summary>
/// <remarks>
/// A failing key store says nothing about which Vapi account the organization uses. Falling through to another key
/// for an agent whose assistant already lives in the organization's own account would create a second assistant in
/// another account. <see cref="NewAgentsOnly"/> prevents that while keeping new agents working during an outage.
/// </remarks>
public enum CredentialFallback
{
    /// <summary>
    /// Only for agents the library knows no assistant of, or whose assistant already lives in the fallback key's
    /// account. An agent recorded in another account fails with a transient <see cref="VapiCredentialUnavailableException"/>
    /// and nothing is sent.
    /// </summary>
    NewAgentsOnly = 0,

    /// <summary>
    /// Always use the next provider's key. An existing agent then moves to the fallback's account (and back when the
    /// failing provider recovers): each move creates the assistant in the new account and deletes the old one.
    /// </summary>
    Always = 1,

    /// <summary>Never: any provider failure fails the sync with a transient <see cref="VapiCredentialUnavailableException"/>.</summary>
    Never = 2,
}
