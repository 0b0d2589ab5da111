using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VapiSync.Client.Testing.Internal;

/// <summary>Writes a <see cref="VapiResponse"/> (or raw text) to the wire.</summary>
internal static class ResponseWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, VapiResponse response) =>
        WriteAsync(context, response.Status, response.Body?.ToJsonString(Json), response.RetryAfter);

    public static async Task WriteAsync(HttpContext context, int status, string? json, TimeSpan? retryAfter)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(0, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (json is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
