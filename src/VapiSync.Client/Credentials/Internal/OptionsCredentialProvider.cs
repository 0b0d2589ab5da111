using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>Keys from <see cref="VapiSyncOptions"/>: the organization's own, then the platform key. Read on every call, so reloads apply.</summary>
internal sealed class OptionsCredentialProvider(IOptionsMonitor<VapiSyncOptions> options) : ICredentialProvider, INamedCredentialProvider
{
    public const string OrganizationSource = "Options:OrganizationApiKeys";
    public const string PlatformSource = "Options:PlatformApiKey";

    public string Name => "VapiSyncOptions";

    private readonly CredentialCache _cache = new();

    public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        var current = options.CurrentValue;
        if (current.OrganizationApiKeys.TryGetValue(organizationId, out var key) && !string.IsNullOrWhiteSpace(key))
        {
            return ValueTask.FromResult<VapiCredential?>(_cache.Get(key, OrganizationSource));
        }

        return ValueTask.FromResult(string.IsNullOrWhiteSpace(current.PlatformApiKey)
            ? null
            : _cache.Get(current.PlatformApiKey, PlatformSource));
    }
}
