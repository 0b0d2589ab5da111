using System.Collections.Frozen;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// The parts of Vapi's OpenAPI document (<c>CreateAssistantDTO</c> and its voice union) the fake validates against.
/// Kept apart from the library's own tables on purpose: a fake that shared them would agree with any mistake in them.
/// </summary>
internal static class VapiSchema
{
    public static readonly FrozenSet<string> AssistantFields = new[]
    {
        "transcriber", "model", "voice", "firstMessage", "firstMessageInterruptionsEnabled", "firstMessageMode", "voicemailDetection", "clientMessages", "serverMessages", "maxDurationSeconds", "backgroundSound", "modelOutputInMessagesEnabled", "transportConfigurations", "observabilityPlan", "credentials", "hooks", "name", "voicemailMessage", "endCallMessage", "endCallPhrases", "compliancePlan", "metadata", "backgroundSpeechDenoisingPlan", "analysisPlan", "artifactPlan", "startSpeakingPlan", "stopSpeakingPlan", "monitorPlan", "credentialIds", "server", "keypadInputPlan",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Voice provider → every property its schema declares, and the required ones.</summary>
    public static readonly FrozenDictionary<string, (FrozenSet<string> Properties, string[] Required)> Voices =
        new Dictionary<string, (FrozenSet<string>, string[])>(StringComparer.Ordinal)
        {
            ["azure"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["cartesia"] = (new[] { "cachingEnabled", "chunkPlan", "experimentalControls", "fallbackPlan", "generationConfig", "language", "model", "pronunciationDictId", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["custom-voice"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "provider", "server", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "server"]),
            ["deepgram"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "mipOptOut", "model", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["11labs"] = (new[] { "autoMode", "cachingEnabled", "chunkPlan", "enableSsmlParsing", "fallbackPlan", "language", "model", "optimizeStreamingLatency", "pronunciationDictionaryLocators", "provider", "similarityBoost", "speed", "stability", "style", "useSpeakerBoost", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["hume"] = (new[] { "cachingEnabled", "chunkPlan", "description", "fallbackPlan", "isCustomHumeVoice", "model", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["lmnt"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "language", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["neuphonic"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "language", "model", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId", "language"]),
            ["openai"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "instructions", "model", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["playht"] = (new[] { "cachingEnabled", "chunkPlan", "emotion", "fallbackPlan", "language", "model", "provider", "speed", "styleGuidance", "temperature", "textGuidance", "voiceGuidance", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["wellsaid"] = (new[] { "cachingEnabled", "chunkPlan", "enableSsml", "fallbackPlan", "libraryIds", "model", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["rime-ai"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "inlineSpeedAlpha", "language", "model", "pauseBetweenBrackets", "phonemizeBetweenBrackets", "provider", "reduceLatency", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["smallest-ai"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "model", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["tavus"] = (new[] { "cachingEnabled", "callbackUrl", "chunkPlan", "conversationName", "conversationalContext", "customGreeting", "fallbackPlan", "personaId", "properties", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["vapi"] = (new[] { "cachingEnabled", "chunkPlan", "language", "pronunciationDictionary", "provider", "speed", "version", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["sesame"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "model", "provider", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId", "model"]),
            ["inworld"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "languageCode", "model", "provider", "speakingRate", "temperature", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["minimax"] = (new[] { "cachingEnabled", "chunkPlan", "emotion", "fallbackPlan", "languageBoost", "model", "pitch", "provider", "region", "speed", "subtitleType", "textNormalizationEnabled", "voiceId", "volume" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["xai"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "language", "provider", "speed", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
            ["microsoft"] = (new[] { "cachingEnabled", "chunkPlan", "fallbackPlan", "provider", "role", "speed", "style", "styleDegree", "voiceId" }.ToFrozenSet(StringComparer.Ordinal), ["provider", "voiceId"]),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenSet<string> DeepgramVoiceIds = new[]
    {
        "alvaro", "amalthea", "andromeda", "angus", "apollo", "aquila", "arcas", "aries", "asteria", "athena", "atlas", "aurelia", "aurora", "callista", "carina", "celeste", "cora", "cordelia", "delia", "diana", "draco", "elara", "electra", "estrella", "fabian", "harmonia", "helena", "helios", "hera", "hermes", "hyperion", "iris", "janus", "javier", "julius", "juno", "jupiter", "kara", "lara", "luna", "mars", "minerva", "neptune", "nestor", "odysseus", "ophelia", "orion", "orpheus", "pandora", "perseus", "phoebe", "pluto", "saturn", "selena", "selene", "sirio", "stella", "thalia", "theia", "vesta", "viktoria", "zeus",
    }.ToFrozenSet(StringComparer.Ordinal);
}
