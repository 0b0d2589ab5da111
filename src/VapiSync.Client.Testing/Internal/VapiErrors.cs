using System.Net;
using System.Text.Json.Nodes;

namespace VapiSync.Client.Testing.Internal;

/// <summary>Vapi's error bodies: <c>{"message": ..., "error": "&lt;reason&gt;", "statusCode": n}</c>.</summary>
internal static class VapiErrors
{
    public const string InvalidKey = "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.";

    public static VapiResponse BadRequest(IReadOnlyList<string> messages) => Error(400, messages);

    public static VapiResponse NotFound(string message = "Assistant not found") => Error(404, [message]);

    public static VapiResponse Unauthorized() => Error(401, [InvalidKey]);

    public static VapiResponse TooManyRequests(TimeSpan retryAfter) => Error(429, ["Rate limit exceeded"]) with { RetryAfter = retryAfter };

    public static VapiResponse Pinned() =>
        new(409, new JsonObject { ["error"] = "assistant_pinned", ["message"] = "This assistant is pinned by a version and cannot be deleted." });

    public static VapiResponse Error(int status, IReadOnlyList<string> messages) => new(status, Body(status, messages));

    /// <summary>Vapi's error shape: validation sends <c>message</c> as an array, other errors as a single string.</summary>
    public static JsonObject Body(int status, IReadOnlyList<string> messages) => new()
    {
        ["message"] = status == 400 ? new JsonArray([.. messages.Select(m => (JsonNode)JsonValue.Create(m))]) : JsonValue.Create(messages[0]),
        ["error"] = ReasonText(status),
        ["statusCode"] = status,
    };

    public static string ReasonText(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => ((HttpStatusCode)status).ToString(),
    };
}
