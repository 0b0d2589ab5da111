namespace VapiSync.Client.Credentials;

/// <summary>A source of Vapi API keys, asked per organization (a host's key store, options, the environment, ...).</summary>
/// <remarks>
/// Return <see langword="null"/> when this source has no key for the organization; the chain then asks the next one.
/// Throw when the source itself fails (database down): the chain logs a warning naming this provider and moves on.
/// Implementations are resolved as singletons: reach scoped services through <c>IServiceScopeFactory</c>.
/// </remarks>
public interface ICredentialProvider
{
    /// <summary>Looks up the key to use for an organization.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or <see langword="null"/> when this source has none for the organization.</returns>
    ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks up the key with the given fingerprint among the keys this source knows for the organization, including
    /// keys it no longer hands out. Used to delete an agent's assistant in the account it lived in before its key
    /// changed; a source that keeps retired keys should override this.
    /// </summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="fingerprint">The <see cref="VapiCredential.Fingerprint"/> of the key wanted.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or <see langword="null"/> when this source knows no such key. By default: the current key, when its fingerprint matches.</returns>
    async ValueTask<VapiCredential?> GetCredentialByFingerprintAsync(string organizationId, string fingerprint, CancellationToken cancellationToken = default)
    {
        var current = await GetCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
        return current is not null && string.Equals(current.Fingerprint, fingerprint, StringComparison.Ordinal) ? current : null;
    }
}
