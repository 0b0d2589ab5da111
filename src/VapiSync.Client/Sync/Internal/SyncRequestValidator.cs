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

        List<string>? errors = null; // allocated only for a request that fails
        var assistant = request.Assistant;
        if (assistant.Name is { } name && VapiLength(name) is var length and > MaxNameLength)
        {
            (errors ??= []).Add($"Assistant.Name: '{Echo(name)}' has {length} characters; Vapi allows at most {MaxNameLength}.");
        }

        if (assistant.Voice is { } voice)
        {
            if (string.IsNullOrWhiteSpace(voice.Provider))
            {
                (errors ??= []).Add("Assistant.Voice.Provider: a voice needs a provider (for example 'azure').");
            }
            else if (string.IsNullOrWhiteSpace(voice.VoiceId) && !voice.Provider.Trim().Equals("custom-voice", StringComparison.OrdinalIgnoreCase))
            {
                (errors ??= []).Add($"Assistant.Voice.VoiceId: a '{voice.Provider}' voice needs a voice id.");
            }
        }

        if (request.KnownAssistantId is { } known && !AssistantIds.IsValid(known))
        {
            (errors ??= []).Add($"KnownAssistantId: '{Echo(known)}' is not a Vapi assistant id (a UUID).");
        }

        if (errors is not null)
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

        // A lone surrogate has no UTF-8 form: escaping would turn it into U+FFFD, and "agent-\uD800" would share
        // "agent-\uFFFD"'s sync key (and assistant). Rejected, so the sync key is injective over every accepted id.
        ThrowIfMalformed(organizationId, "OrganizationId");
        ThrowIfMalformed(agentKey, "AgentKey");
    }

    private static void ThrowIfMalformed(string value, string field)
    {
        if (FirstLoneSurrogate(value) is { } at)
        {
            throw new VapiValidationException([$"{field}: contains an unpaired UTF-16 surrogate at index {at}; ids must be well-formed Unicode."]);
        }

        // Every store must hold what the in-memory one holds: PostgreSQL text cannot hold NUL, so no store accepts it.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new VapiValidationException([$"{field}: must not contain NUL (U+0000) characters, which state stores such as PostgreSQL cannot hold."]);
        }
    }

    /// <summary>The index of the first surrogate that is not half of a pair, or <see langword="null"/> when the string is well-formed.</summary>
    internal static int? FirstLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// A string's length as Vapi counts it: class-validator's <c>maxLength</c> calls validator.js <c>isLength</c>, which
    /// takes one off the UTF-16 length per surrogate pair and per emoji presentation selector (U+FE0E/U+FE0F after a
    /// character). So 30 emoji are 30 characters, as Vapi accepts them, not 60.
    /// </summary>
    internal static int VapiLength(string text)
    {
        var length = text.Length;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                length--;
                i++;
            }
        }

        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] is not ('\uFE0E' or '\uFE0F') && text[i + 1] is '\uFE0E' or '\uFE0F')
            {
                length--;
                i++;
            }
        }

        return length;
    }

    /// <summary>Input echoed in a message stays bounded (a 100,000-character name must not make a 100 KB error).</summary>
    internal static string Echo(string value)
    {
        const int Limit = 64;
        if (value.Length <= Limit)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[Limit - 1]) ? Limit - 1 : Limit;
        return string.Concat(value.AsSpan(0, cut), "…");
    }
}
