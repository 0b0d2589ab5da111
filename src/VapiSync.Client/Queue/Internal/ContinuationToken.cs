using System.Buffers.Text;
using System.Text;

namespace VapiSync.Client.Queue.Internal;

/// <summary>Keyset paging over (organization, agent): the token is the last key of the previous page, opaque to callers.</summary>
internal static class ContinuationToken
{
    public static (string Org, string Agent)? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var split = text.IndexOf('\0', StringComparison.Ordinal);
            if (split > 0)
            {
                return (text[..split], text[(split + 1)..]);
            }
        }
        catch (FormatException)
        {
            // reported below
        }

        throw new ArgumentException("The continuation token is not one this queue returned.", nameof(token));
    }

    public static string Create(string organizationId, string agentKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(organizationId + "\0" + agentKey));

    public static int Compare(string organizationId, string agentKey, (string Org, string Agent) key)
    {
        var byOrg = string.CompareOrdinal(organizationId, key.Org);
        return byOrg != 0 ? byOrg : string.CompareOrdinal(agentKey, key.Agent);
    }

    /// <summary>Callers fetch one entry more than the page holds: its presence says another page follows.</summary>
    public static SyncQueuePage ToPage(List<SyncQueueEntry> fetched, int pageSize)
    {
        if (fetched.Count <= pageSize)
        {
            return new SyncQueuePage { Items = fetched };
        }

        var items = fetched.GetRange(0, pageSize);
        return new SyncQueuePage { Items = items, ContinuationToken = Create(items[^1].OrganizationId, items[^1].AgentKey) };
    }
}
