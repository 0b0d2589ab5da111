namespace VapiSync.Client.Credentials.Internal;

/// <summary>
/// What the chain found for an organization, with what a sync needs to judge it: whether an earlier provider failed
/// before this key answered, and whether the key is the platform's (a fallback) rather than the organization's own.
/// </summary>
/// <param name="Credential">The first key found, or <see langword="null"/>.</param>
/// <param name="Attempts">The providers that gave nothing before it, with why (never a key).</param>
/// <param name="FailedProviders">How many providers threw before the answer.</param>
/// <param name="IsPlatformKey">Whether the answer is a platform-wide key (options' <c>PlatformApiKey</c>, the environment variable).</param>
internal sealed record CredentialResolution(VapiCredential? Credential, IReadOnlyList<string> Attempts, int FailedProviders, bool IsPlatformKey)
{
    /// <summary>Gets a value indicating whether a provider threw before the key was found.</summary>
    public bool ProviderFailed => FailedProviders > 0;
}
