namespace VapiSync.Client.Credentials;

/// <summary>
/// The key of the account an agent's assistant lives in (or must live in) cannot be used right now, and using another
/// account's key instead was not allowed: a credential provider failed, the organization requires its own key, or the
/// key of the account recorded for the agent can no longer be resolved. Nothing was sent to Vapi.
/// </summary>
/// <remarks>
/// A credential provider may also throw this exception itself to stop the chain: no later provider (such as the
/// platform key) is asked for that organization.
/// </remarks>
public sealed class VapiCredentialUnavailableException : VapiSyncException
{
    private readonly bool _isTransient;

    /// <summary>Initializes a new instance of the <see cref="VapiCredentialUnavailableException"/> class.</summary>
    /// <param name="organizationId">The organization whose key is unavailable.</param>
    /// <param name="message">Why; it must not contain a key.</param>
    /// <param name="isTransient">Whether the same sync may succeed later without a change (for example once a key store is back).</param>
    /// <param name="innerException">The provider's failure, if any.</param>
    public VapiCredentialUnavailableException(string organizationId, string message, bool isTransient = true, Exception? innerException = null)
        : base(message, VapiErrorCodes.CredentialUnavailable, innerException)
    {
        OrganizationId = organizationId;
        _isTransient = isTransient;
    }

    /// <summary>Gets the organization whose key is unavailable.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the fingerprint of the account the agent's assistant is recorded in, when that is why the sync stopped.</summary>
    public string? AccountFingerprint { get; init; }

    /// <summary>Gets one entry per provider tried, in order: its name and why it gave nothing (never a key).</summary>
    public IReadOnlyList<string> Attempts { get; init; } = [];

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
