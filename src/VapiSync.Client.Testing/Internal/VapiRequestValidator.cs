using System.Text.Json.Nodes;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// Vapi's request validation as observed (NestJS class-validator): unknown or read-only properties are rejected with
/// "property X should not exist", limits from the schema are enforced, and voices Vapi no longer serves are refused.
/// Messages are path-prefixed like Vapi's.
/// </summary>
internal static class VapiRequestValidator
{
    private static readonly string[] RetiredVapiVoices = ["spencer", "neha", "harry", "cole", "paige", "hana", "lily", "kylie"];

    public static List<string> Validate(JsonObject body)
    {
        var errors = new List<string>();
        foreach (var (name, _) in body)
        {
            if (!VapiSchema.AssistantFields.Contains(name))
            {
                errors.Add($"property {name} should not exist");
            }
        }

        if (body["name"] is { } nameNode)
        {
            if (nameNode.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                errors.Add("name must be a string");
            }
            else if (nameNode.GetValue<string>().Length > 40)
            {
                errors.Add("name must be shorter than or equal to 40 characters");
            }
        }

        foreach (var field in new[] { "firstMessage", "voicemailMessage", "endCallMessage" })
        {
            if (body[field] is { } node && node.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                errors.Add($"{field} must be a string");
            }
        }

        foreach (var field in new[] { "metadata", "model", "transcriber", "voice" })
        {
            if (body.ContainsKey(field) && body[field] is not JsonObject)
            {
                errors.Add($"{field} must be an object");
            }
        }

        if (body["voice"] is JsonObject voice)
        {
            ValidateVoice(voice, errors);
        }

        return errors;
    }

    private static void ValidateVoice(JsonObject voice, List<string> errors)
    {
        var provider = voice["provider"] is JsonValue p && p.TryGetValue<string>(out var s) ? s : null;
        if (provider is null || !VapiSchema.Voices.TryGetValue(provider, out var schema))
        {
            errors.Add($"voice.provider must be one of the following values: {string.Join(", ", VapiSchema.Voices.Keys.Where(k => k != "playht"))}");
            return;
        }

        if (provider == "playht")
        {
            errors.Add("voice.provider playht is no longer supported (PlayHT shut down)");
        }

        foreach (var (name, _) in voice)
        {
            if (!schema.Properties.Contains(name))
            {
                errors.Add($"voice.property {name} should not exist");
            }
        }

        foreach (var required in schema.Required)
        {
            var node = voice[required];
            if (node is null || (node.GetValueKind() == System.Text.Json.JsonValueKind.String && string.IsNullOrWhiteSpace(node.GetValue<string>())))
            {
                errors.Add($"voice.{required} should not be empty");
            }
        }

        var voiceId = voice["voiceId"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
        switch (provider)
        {
            case "deepgram" when voiceId is not null && !VapiSchema.DeepgramVoiceIds.Contains(voiceId):
                errors.Add($"voice.voiceId must be one of the following values: {string.Join(", ", VapiSchema.DeepgramVoiceIds.Order())}");
                break;
            case "vapi" when voiceId is not null && RetiredVapiVoices.Contains(voiceId.ToLowerInvariant()):
                errors.Add($"voice.voiceId {voiceId} has been retired and cannot be used for new assistants");
                break;
            case "azure" when string.Equals(voiceId, "jenny", StringComparison.OrdinalIgnoreCase):
                errors.Add("voice.voiceId jenny is not a valid Azure voice (presets: andrew, brian, emma; or an Azure voice name such as en-US-JennyNeural)");
                break;
        }

        if (voice["speed"] is JsonValue speed && speed.TryGetValue<double>(out var value) && (value < 0.1 || value > 5))
        {
            errors.Add("voice.speed is out of range");
        }
    }
}
