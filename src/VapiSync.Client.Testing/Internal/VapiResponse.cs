using System.Text.Json.Nodes;

namespace VapiSync.Client.Testing.Internal;

/// <summary>What an endpoint answers, before faults are applied and it is written.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON body, or <see langword="null"/> for none.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> to send, if any.</param>
internal readonly record struct VapiResponse(int Status, JsonNode? Body, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
