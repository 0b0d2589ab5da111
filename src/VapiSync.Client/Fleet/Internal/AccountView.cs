using System.Text.Json.Nodes;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>
/// One listing of an account, sorted by who owns each assistant: this organization's agents (by agent key, each
/// group oldest first), unmanaged assistants, and those another organization sharing the account manages.
/// </summary>
internal sealed class AccountView
{
    private AccountView(IReadOnlyList<VapiAssistant> all, Dictionary<string, List<VapiAssistant>> byAgent, Dictionary<string, string> syncKeys, int unmanaged, int other)
    {
        All = all;
        ByAgent = byAgent;
        AgentKeys = byAgent.SelectMany(g => g.Value.Select(a => (a.Id, g.Key))).ToDictionary(p => p.Id, p => p.Key, StringComparer.Ordinal);
        SyncKeys = syncKeys;
        UnmanagedCount = unmanaged;
        OtherOrganizationsCount = other;
    }

    public IReadOnlyList<VapiAssistant> All { get; }

    /// <summary>This organization's managed assistants by agent key; each list ordered oldest first (createdAt, then id).</summary>
    public Dictionary<string, List<VapiAssistant>> ByAgent { get; }

    /// <summary>The agent key of each of this organization's managed assistants, by assistant id.</summary>
    public Dictionary<string, string> AgentKeys { get; }

    /// <summary>The sync key of every assistant that carries one (any organization's), by assistant id.</summary>
    public Dictionary<string, string> SyncKeys { get; }

    public int ManagedCount => ByAgent.Values.Sum(g => g.Count);

    public int UnmanagedCount { get; }

    public int OtherOrganizationsCount { get; }

    public static AccountView Build(IReadOnlyList<VapiAssistant> assistants, string organizationId, string syncKeyMetadataName)
    {
        var prefix = SyncKeyPrefix(organizationId);
        var byAgent = new Dictionary<string, List<VapiAssistant>>(StringComparer.Ordinal);
        var syncKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        int unmanaged = 0, other = 0;
        foreach (var assistant in assistants)
        {
            var (syncKey, agentKey) = Owner(assistant, prefix, organizationId, syncKeyMetadataName);
            if (syncKey is null)
            {
                unmanaged++;
                continue;
            }

            syncKeys[assistant.Id] = syncKey;
            if (agentKey is not null)
            {
                (byAgent.TryGetValue(agentKey, out var group) ? group : byAgent[agentKey] = []).Add(assistant);
            }
            else
            {
                other++;
            }
        }

        foreach (var group in byAgent.Values)
        {
            group.Sort(OldestFirst);
        }

        return new AccountView(assistants, byAgent, syncKeys, unmanaged, other);
    }

    /// <summary>The order a sync adopts in: oldest <c>createdAt</c>, then the smallest id, so every reader picks the same winner.</summary>
    public static int OldestFirst(VapiAssistant a, VapiAssistant b)
    {
        var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>What every sync key of <paramref name="organizationId"/> starts with.</summary>
    public static string SyncKeyPrefix(string organizationId) => Uri.EscapeDataString(organizationId) + "/";

    /// <summary>
    /// One assistant's sync key (any organization's) and, when the key is this organization's, its agent key: what
    /// <see cref="Build"/> sorts by, for a reader that judges an assistant before the listing is complete.
    /// </summary>
    public static (string? SyncKey, string? AgentKey) Owner(VapiAssistant assistant, string prefix, string organizationId, string syncKeyMetadataName) =>
        ReadSyncKey(assistant.Metadata, syncKeyMetadataName) is { } syncKey ? (syncKey, AgentKeyOf(syncKey, prefix, organizationId)) : (null, null);

    private static string? ReadSyncKey(JsonObject? metadata, string name) =>
        metadata?[name] is JsonValue value && value.TryGetValue<string>(out var key) && key.Length > 0 ? key : null;

    /// <summary>
    /// The agent key when the sync key is this organization's. Unescaping and escaping again must give the same key,
    /// so a hand-written key that only looks like ours ("org/a/b") is not mistaken for one.
    /// </summary>
    private static string? AgentKeyOf(string syncKey, string prefix, string organizationId)
    {
        if (!syncKey.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var agentKey = Uri.UnescapeDataString(syncKey[prefix.Length..]);
        return agentKey.Length > 0 && SyncKey.For(organizationId, agentKey) == syncKey ? agentKey : null;
    }
}
