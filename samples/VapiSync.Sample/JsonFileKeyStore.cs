using System.Text.Json;
using VapiSync.Client.Credentials;

namespace VapiSync.Sample;

/// <summary>
/// The host's own key store: per-organization Vapi keys in a JSON file (organization id → key), re-read when the file
/// changes. Stands in for a database table; a real store would be asked the same way.
/// </summary>
internal sealed class JsonFileKeyStore(IConfiguration configuration, IHostEnvironment environment) : ICredentialProvider
{
    private (DateTime Stamp, Dictionary<string, string> Keys)? _cache;

    public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(environment.ContentRootPath, configuration["Sample:OrganizationKeysFile"] ?? "organization-keys.json");
        if (!File.Exists(path))
        {
            return ValueTask.FromResult<VapiCredential?>(null);
        }

        var stamp = File.GetLastWriteTimeUtc(path);
        if (_cache is not { } cache || cache.Stamp != stamp)
        {
            // A malformed file throws here: the library logs it and falls back to the platform key.
            var keys = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path)) ?? [];
            cache = (stamp, keys.Where(p => p.Value.ValueKind == JsonValueKind.String && !p.Key.StartsWith('_'))
                .ToDictionary(p => p.Key, p => p.Value.GetString()!, StringComparer.Ordinal));
            _cache = cache;
        }

        return ValueTask.FromResult(cache.Keys.TryGetValue(organizationId, out var key) ? new VapiCredential(key, "JsonFileKeyStore") : null);
    }
}
