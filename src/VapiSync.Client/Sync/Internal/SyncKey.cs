namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The value stored in the assistant's metadata that ties it to one (organization, agent). Both parts are escaped so
/// no two pairs share a key ("a/b" + "c" vs "a" + "b/c"), and the organization is part of it because organizations
/// without keys of their own share the platform's Vapi account.
/// </summary>
internal static class SyncKey
{
    public static string For(string organizationId, string agentKey) =>
        Uri.EscapeDataString(organizationId) + "/" + Uri.EscapeDataString(agentKey);
}
