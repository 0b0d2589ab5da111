using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Credentials;

/// <summary>
/// Asks each provider in order and returns the first key found. A provider that returns <see langword="null"/> is
/// skipped; one that throws is logged (with its name, never a key) and skipped, so an organization's broken key store
/// falls back to the platform key. Cancellation is never swallowed.
/// </summary>
public sealed class ChainedCredentialProvider : ICredentialProvider
{
    private readonly ICredentialProvider[] _providers;
    private readonly ILogger _logger;
    private readonly VapiSyncMetrics? _metrics;

    /// <summary>Initializes a new instance of the <see cref="ChainedCredentialProvider"/> class.</summary>
    /// <param name="providers">The providers, asked in this order.</param>
    /// <param name="logger">Receives a warning for each provider that fails.</param>
    public ChainedCredentialProvider(IEnumerable<ICredentialProvider> providers, ILogger<ChainedCredentialProvider>? logger = null)
        : this(providers, logger, null)
    {
    }

    internal ChainedCredentialProvider(IEnumerable<ICredentialProvider> providers, ILogger? logger, VapiSyncMetrics? metrics)
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

    /// <summary>Returns the first key found, or throws listing every provider tried.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="VapiCredentialNotFoundException">No provider had a key.</exception>
    public async ValueTask<VapiCredential> GetRequiredCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        var (credential, attempts) = await ResolveAsync(organizationId, cancellationToken).ConfigureAwait(false);
        return credential ?? throw new VapiCredentialNotFoundException(organizationId, attempts);
    }

    private async ValueTask<(VapiCredential? Credential, List<string> Attempts)> ResolveAsync(string organizationId, CancellationToken cancellationToken)
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
                    return (credential, attempts ?? []);
                }

                (attempts ??= []).Add($"{ProviderName(provider)} (no key)");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // The message may quote a connection string or the key store's contents: the type is kept, the message only
                // scrubbed, and the exception itself (its message, inner exceptions, stack) is never handed to the logger.
                failures++;
                var name = ProviderName(provider);
                (attempts ??= []).Add($"{name} (failed: {ex.GetType().Name})");
                Log.CredentialProviderFailed(_logger, name, organizationId, ex.GetType().FullName ?? ex.GetType().Name, SecretRedactor.Redact(ex.Message));
            }
        }

        _metrics?.RecordCredential("none", fellThrough: true, afterFailure: failures > 0);
        return (null, attempts ?? []);
    }

    // Computed only when needed: the name of a built-in provider may be built from options.
    private static string ProviderName(ICredentialProvider provider) =>
        provider is INamedCredentialProvider named ? named.Name : provider.GetType().Name;
}
