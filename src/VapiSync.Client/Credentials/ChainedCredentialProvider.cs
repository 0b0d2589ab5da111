using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VapiSync.Client.Credentials.Internal;

namespace VapiSync.Client.Credentials;

/// <summary>
/// Asks each provider in order and returns the first key found. A provider that returns <see langword="null"/> is
/// skipped; one that throws is logged (with its name, never a key) and skipped, so an organization's broken key store
/// falls back to the platform key (a sync then applies <see cref="VapiSyncOptions.CredentialFallback"/>), except a
/// <see cref="VapiCredentialUnavailableException"/>, which stops the chain. Cancellation is never swallowed.
/// </summary>
public sealed class ChainedCredentialProvider : ICredentialProvider
{
    private readonly ICredentialProvider[] _providers;
    private readonly ILogger _logger;
    private readonly CredentialMetrics? _metrics;

    /// <summary>Initializes a new instance of the <see cref="ChainedCredentialProvider"/> class.</summary>
    /// <param name="providers">The providers, asked in this order.</param>
    /// <param name="logger">Receives a warning for each provider that fails.</param>
    public ChainedCredentialProvider(IEnumerable<ICredentialProvider> providers, ILogger<ChainedCredentialProvider>? logger = null)
        : this(providers, logger, null)
    {
    }

    internal ChainedCredentialProvider(IEnumerable<ICredentialProvider> providers, ILogger? logger, CredentialMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = [.. providers];
        if (_providers.Any(p => p is null))
        {
            throw new ArgumentException("The chain cannot contain a null provider.", nameof(providers));
        }

        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    /// <summary>Gets the providers in the order they are asked.</summary>
    public IReadOnlyList<ICredentialProvider> Providers => _providers;

    /// <inheritdoc />
    /// <remarks>Returns <see langword="null"/> when no provider has a key; <see cref="GetRequiredCredentialAsync"/> throws instead.</remarks>
    public async ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
        (await ResolveAsync(organizationId, cancellationToken).ConfigureAwait(false)).Credential;

    /// <summary>Asks every provider in order for the key with this fingerprint; a provider that throws is logged and skipped.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="fingerprint">The <see cref="VapiCredential.Fingerprint"/> of the key wanted.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The first provider's credential with that fingerprint, or <see langword="null"/>.</returns>
    public async ValueTask<VapiCredential?> GetCredentialByFingerprintAsync(string organizationId, string fingerprint, CancellationToken cancellationToken = default) =>
        (await FindByFingerprintAsync(organizationId, fingerprint, cancellationToken).ConfigureAwait(false)).Credential;

    /// <summary>Like <see cref="GetCredentialByFingerprintAsync"/>, and tells whether a provider failed (then the key may come back).</summary>
    internal async ValueTask<(VapiCredential? Credential, bool ProviderFailed)> FindByFingerprintAsync(string organizationId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        var failed = false;
        foreach (var provider in _providers)
        {
            try
            {
                if (await provider.GetCredentialByFingerprintAsync(organizationId, fingerprint, cancellationToken).ConfigureAwait(false) is { } found
                    && string.Equals(found.Fingerprint, fingerprint, StringComparison.Ordinal))
                {
                    return (found, failed);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                failed = true;
                LogFailure(provider, organizationId, ex);
            }
        }

        return (null, failed);
    }

    /// <summary>Returns the first key found, or throws listing every provider tried.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="VapiCredentialNotFoundException">No provider had a key.</exception>
    public async ValueTask<VapiCredential> GetRequiredCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        var resolution = await ResolveAsync(organizationId, cancellationToken).ConfigureAwait(false);
        return resolution.Credential ?? throw new VapiCredentialNotFoundException(organizationId, resolution.Attempts);
    }

    /// <summary>The first key found, with who answered and whether a provider failed before it (see <see cref="CredentialPolicy"/>).</summary>
    internal async ValueTask<CredentialResolution> ResolveAsync(string organizationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        List<string>? attempts = null;
        var failures = 0;
        foreach (var provider in _providers)
        {
            try
            {
                var credential = await provider.GetCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
                if (credential is not null)
                {
                    var skipped = attempts?.Count ?? 0;
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        Log.CredentialResolved(_logger, organizationId, credential.Source, credential.Fingerprint, skipped);
                    }

                    _metrics?.RecordCredential(credential.Source, fellThrough: skipped > 0, afterFailure: failures > 0);
                    return new CredentialResolution(credential, attempts ?? [], failures, provider is IPlatformKeySource platform && platform.IsPlatformKey(credential));
                }

                (attempts ??= []).Add($"{ProviderName(provider)} (no key)");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (VapiCredentialUnavailableException)
            {
                // The provider's explicit "do not fall back for this organization".
                throw;
            }
            catch (Exception ex)
            {
                failures++;
                (attempts ??= []).Add($"{ProviderName(provider)} (failed: {ex.GetType().Name})");
                LogFailure(provider, organizationId, ex);
            }
        }

        _metrics?.RecordCredential("none", fellThrough: true, afterFailure: failures > 0);
        return new CredentialResolution(null, attempts ?? [], failures, IsPlatformKey: false);
    }

    /// <summary>
    /// The message may quote a connection string or the key store's contents: the type is kept, the message only
    /// scrubbed, and the exception itself (its message, inner exceptions, stack) is never handed to the logger.
    /// </summary>
    private void LogFailure(ICredentialProvider provider, string organizationId, Exception ex) =>
        Log.CredentialProviderFailed(_logger, ProviderName(provider), organizationId, ex.GetType().FullName ?? ex.GetType().Name, SecretRedactor.Redact(ex.Message));

    // Computed only when needed: the name of a built-in provider may be built from options.
    private static string ProviderName(ICredentialProvider provider) =>
        provider is INamedCredentialProvider named ? named.Name : provider.GetType().Name;
}
