using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Sync.Internal;

/// <summary>Rejects what Vapi would reject, before any I/O, with every problem named by its field.</summary>
internal static class SyncRequestValidator
{
    /// <summary>Vapi's <c>CreateAssistantDTO.name</c> has <c>maxLength: 40</c>.</summary>
    public const int MaxNameLength = 40;

    /// <summary>Keeps the sync key (both ids, escaped) a sane size for metadata and indexes.</summary>
    public const int MaxIdLength = 200;

    public static void Validate(AssistantSyncRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.OrganizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.AgentKey);
        ValidateIds(request.OrganizationId, request.AgentKey);
        ArgumentNullException.ThrowIfNull(request.Assistant, "request.Assistant");

        var errors = new List<string>();
        var assistant = request.Assistant;
        if (assistant.Name is { Length: > MaxNameLength } name)
        {
            errors.Add($"Assistant.Name: '{name}' has {name.Length} characters; Vapi allows at most {MaxNameLength}.");
        }

        if (assistant.Voice is { } voice)
        {
            if (string.IsNullOrWhiteSpace(voice.Provider))
            {
                errors.Add("Assistant.Voice.Provider: a voice needs a provider (for example 'azure').");
            }
            else if (string.IsNullOrWhiteSpace(voice.VoiceId) && !voice.Provider.Trim().Equals("custom-voice", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Assistant.Voice.VoiceId: a '{voice.Provider}' voice needs a voice id.");
            }
        }

        if (request.KnownAssistantId is { } known && !AssistantIds.IsValid(known))
        {
            errors.Add($"KnownAssistantId: '{(known.Length > 64 ? known[..64] + "…" : known)}' is not a Vapi assistant id (a UUID).");
        }

        if (errors.Count > 0)
        {
            throw new VapiValidationException(errors);
        }
    }

    public static void ValidateIds(string organizationId, string agentKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentKey);
        if (organizationId.Length > MaxIdLength || agentKey.Length > MaxIdLength)
        {
            throw new VapiValidationException(
                [$"{(organizationId.Length > MaxIdLength ? "OrganizationId" : "AgentKey")}: at most {MaxIdLength} characters are allowed."]);
        }

        // Every store must hold what the in-memory one holds: PostgreSQL text (UTF-8) has no NUL and no lone surrogate.
        foreach (var (field, value) in (ReadOnlySpan<(string, string)>)[("OrganizationId", organizationId), ("AgentKey", agentKey)])
        {
            if (value.Contains('\0', StringComparison.Ordinal) || !IsWellFormedUtf16(value))
            {
                throw new VapiValidationException(
                    [$"{field}: must be well-formed Unicode text without NUL (U+0000) characters, which state stores such as PostgreSQL cannot hold."]);
            }
        }
    }

    private static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
