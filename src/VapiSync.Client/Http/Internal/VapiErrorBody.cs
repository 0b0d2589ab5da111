using System.Text;
using System.Text.Json;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// Reads Vapi's error body, <c>{"message": string | string[], "error": "...", "statusCode": n}</c>. NestJS validation
/// sends an array of messages, business rules a single string; anything else is kept as (truncated) text.
/// </summary>
internal static class VapiErrorBody
{
    private const int MaxTextLength = 500;

    /// <summary>NestJS sends one message per invalid property; a hostile body could send millions.</summary>
    private const int MaxMessages = 50;

    public static (IReadOnlyList<string> Messages, string? Error) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return ([], null);
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (ReadMessages(document.RootElement), ReadString(document.RootElement, "error"));
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): fall through and keep the text.
        }

        return ([Truncate(Encoding.UTF8.GetString(body).Trim())], null);
    }

    private static List<string> ReadMessages(JsonElement root)
    {
        var messages = new List<string>();
        if (!root.TryGetProperty("message", out var message))
        {
            return messages;
        }

        if (message.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in message.EnumerateArray())
            {
                if (messages.Count == MaxMessages)
                {
                    messages.Add("…");
                    break;
                }

                messages.Add(Truncate(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText()));
            }
        }
        else if (message.ValueKind == JsonValueKind.String)
        {
            messages.Add(Truncate(message.GetString()!));
        }
        else if (message.ValueKind != JsonValueKind.Null)
        {
            messages.Add(Truncate(message.GetRawText()));
        }

        return messages;
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Truncate(value.GetString()!) : null;

    private static string Truncate(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength] + "…";
}
