namespace VapiSync.Client.Credentials;

/// <summary>No provider in the chain had a Vapi key for the organization. Lists what was tried and why each gave nothing.</summary>
public sealed class VapiCredentialNotFoundException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="VapiCredentialNotFoundException"/> class.</summary>
    /// <param name="organizationId">The organization no key was found for.</param>
    /// <param name="attempts">One entry per provider: its name and why it gave nothing (never a key).</param>
    public VapiCredentialNotFoundException(string organizationId, IReadOnlyList<string> attempts)
        : base($"No Vapi API key was found for organization '{organizationId}'. Tried: {string.Join("; ", attempts ?? [])}.")
    {
        OrganizationId = organizationId;
        Attempts = attempts ?? [];
    }

    /// <summary>Gets the organization no key was found for.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets one entry per provider tried, in order: its name and why it gave nothing.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
