using System.Buffers.Text;
using System.Text;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>The queue listing's keyset token: the last (organization, agent) of the previous page, opaque to callers.</summary>
internal static class PageToken
{
    public static string Create(string organizationId, string agentKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(organizationId + "\0" + agentKey));

    public static (string Org, string Agent)? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The continuation token is not one this queue returned.", nameof(token), ex);
        }

        var split = text.IndexOf('\0', StringComparison.Ordinal);
        return split > 0 ? (text[..split], text[(split + 1)..]) : throw new ArgumentException("The continuation token is not one this queue returned.", nameof(token));
    }
}
