using System.Collections.Concurrent;

namespace VapiSync.Client.Testing.Internal;

/// <summary>Accounts by bearer key, as Vapi scopes every request to the key's organization.</summary>
internal sealed class ApiKeyRegistry
{
    private readonly ConcurrentDictionary<string, string> _accounts = new(StringComparer.Ordinal);

    public void Add(string apiKey, string accountId) => _accounts[apiKey] = accountId;

    public bool TryGetAccount(string? apiKey, out string accountId)
    {
        accountId = string.Empty;
        return apiKey is not null && _accounts.TryGetValue(apiKey, out accountId!);
    }

    /// <summary>The key of an <c>Authorization: Bearer &lt;key&gt;</c> header, or <see langword="null"/>.</summary>
    public static string? BearerKey(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..].Trim() : null;
}
