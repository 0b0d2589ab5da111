using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>Keys from <see cref="VapiSyncOptions"/>: the organization's own, then the platform key. Read on every call, so reloads apply.</summary>
internal sealed class OptionsCredentialProvider(IOptionsMonitor<VapiSyncOptions> options) : ICredentialProvider, INamedCredentialProvider, IPlatformKeySource
{
    public const string OrganizationSource = "Options:OrganizationApiKeys";
    public const string PlatformSource = "Options:PlatformApiKey";

    public string Name => "VapiSyncOptions";

    private readonly CredentialCache _cache = new();

    public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(OrganizationKey(organizationId) ?? PlatformKey());

    /// <summary>Both keys are candidates: an agent that moved off the platform key still has its old assistant there.</summary>
    public ValueTask<VapiCredential?> GetCredentialByFingerprintAsync(string organizationId, string fingerprint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new[] { OrganizationKey(organizationId), PlatformKey() }
            .FirstOrDefault(c => c is not null && string.Equals(c.Fingerprint, fingerprint, StringComparison.Ordinal)));

    public bool IsPlatformKey(VapiCredential credential) => string.Equals(credential.Source, PlatformSource, StringComparison.Ordinal);

    private VapiCredential? OrganizationKey(string organizationId) =>
        options.CurrentValue.OrganizationApiKeys.TryGetValue(organizationId, out var key) && !string.IsNullOrWhiteSpace(key)
            ? _cache.Get(key, OrganizationSource)
            : null;

    private VapiCredential? PlatformKey() =>
        options.CurrentValue.PlatformApiKey is { } key && !string.IsNullOrWhiteSpace(key) ? _cache.Get(key, PlatformSource) : null;
}
