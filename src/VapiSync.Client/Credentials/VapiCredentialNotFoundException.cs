namespace VapiSync.Client.Credentials;

/// <summary>No provider in the chain had a Vapi key for the organization. Lists what was tried and why each gave nothing.</summary>
public sealed class VapiCredentialNotFoundException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiCredentialNotFoundException"/> class.</summary>
    /// <param name="organizationId">The organization no key was found for.</param>
    /// <param name="attempts">One entry per provider: its name and why it gave nothing (never a key).</param>
    public VapiCredentialNotFoundException(string organizationId, IReadOnlyList<string> attempts)
        : base($"No Vapi API key was found for organization '{organizationId}'. Tried: {string.Join("; ", attempts ?? [])}.", VapiErrorCodes.CredentialNotFound)
    {
        OrganizationId = organizationId;
        Attempts = attempts ?? [];
    }

    /// <summary>Gets the organization no key was found for.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets one entry per provider tried, in order: its name and why it gave nothing.</summary>
    public IReadOnlyList<string> Attempts { get; }

    /// <summary>Gets a value that is always <see langword="false"/>: a key must be configured first.</summary>
    public override bool IsTransient => false;
}
