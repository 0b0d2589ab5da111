using System.Text.Json.Nodes;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// Vapi's request validation as observed (NestJS class-validator with <c>forbidNonWhitelisted</c>): the body is checked
/// against Vapi's own OpenAPI schema, nested schemas included (unknown or read-only properties → "property X should not
/// exist", required fields, enums, limits, patterns, formats), then against the rules the schema cannot say: voices
/// Vapi no longer serves. Messages are path-prefixed like Vapi's.
/// </summary>
internal static class VapiRequestValidator
{
    private static readonly string[] RetiredVapiVoices = ["spencer", "neha", "harry", "cole", "paige", "hana", "lily", "kylie"];

    /// <summary>Validates a <c>POST /assistant</c> body (<c>CreateAssistantDTO</c>).</summary>
    public static List<string> ValidateCreate(JsonObject body) => Validate(body, VapiSchemaValidator.CreateAssistant);

    /// <summary>Validates a <c>PATCH /assistant/{id}</c> body (<c>UpdateAssistantDTO</c>).</summary>
    public static List<string> ValidateUpdate(JsonObject body) => Validate(body, VapiSchemaValidator.UpdateAssistant);

    private static List<string> Validate(JsonObject body, string schema)
    {
        var errors = VapiSchemaValidator.Instance.Validate(body, schema);
        if (body["voice"] is JsonObject voice)
        {
            ValidateVoiceAvailability(voice, errors);
        }

        return errors;
    }

    private static void ValidateVoiceAvailability(JsonObject voice, List<string> errors)
    {
        var provider = voice["provider"] is JsonValue p && p.TryGetValue<string>(out var s) ? s : null;
        var voiceId = voice["voiceId"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
        switch (provider)
        {
            case "playht":
                errors.Add("voice.provider playht is no longer supported (PlayHT shut down)");
                break;
            case "vapi" when voiceId is not null && RetiredVapiVoices.Contains(voiceId.ToLowerInvariant()):
                errors.Add($"voice.voiceId {voiceId} has been retired and cannot be used for new assistants");
                break;
            case "azure" when string.Equals(voiceId, "jenny", StringComparison.OrdinalIgnoreCase):
                errors.Add("voice.voiceId jenny is not a valid Azure voice (presets: andrew, brian, emma; or an Azure voice name such as en-US-JennyNeural)");
                break;
        }
    }
}
