using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>The platform key from an environment variable (<c>VAPI_PRIVATE_KEY</c> by default), read when asked, never cached.</summary>
internal sealed class EnvironmentCredentialProvider(IOptionsMonitor<VapiSyncOptions> options) : ICredentialProvider, INamedCredentialProvider, IPlatformKeySource
{
    private readonly CredentialCache _cache = new();

    public string Name => "Environment:" + options.CurrentValue.ApiKeyEnvironmentVariable;

    public bool IsPlatformKey(VapiCredential credential) => true;

    public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        var variable = options.CurrentValue.ApiKeyEnvironmentVariable;
        var key = string.IsNullOrWhiteSpace(variable) ? null : Environment.GetEnvironmentVariable(variable);
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(key) ? null : _cache.Get(key, "Environment:" + variable));
    }
}
