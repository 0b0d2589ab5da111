using System.Collections.Frozen;

namespace VapiSync.Client.Voices.Internal;

/// <summary>
/// What Vapi's schema (<c>vapi-openapi.json</c>, the <c>voice</c> union of <c>CreateAssistantDTO</c>) accepts per voice
/// provider: the settings besides <c>provider</c>/<c>voiceId</c> and the <c>speed</c> range. Vapi answers 400 to any
/// other property, so these tables decide what survives normalization. Generated from the spec; keep in sync with it.
/// </summary>
internal static class VoiceSchemas
{
    public static readonly FrozenDictionary<string, ProviderSchema> Providers = new Dictionary<string, ProviderSchema>(StringComparer.Ordinal)
    {
        ["azure"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "speed"], (0.5, 2)),
        ["cartesia"] = new(["cachingEnabled", "chunkPlan", "experimentalControls", "fallbackPlan", "generationConfig", "language", "model", "pronunciationDictId"], null),
        ["custom-voice"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "server"], null),
        ["deepgram"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "mipOptOut", "model"], null),
        ["11labs"] = new(["autoMode", "cachingEnabled", "chunkPlan", "enableSsmlParsing", "fallbackPlan", "language", "model", "optimizeStreamingLatency", "pronunciationDictionaryLocators", "similarityBoost", "speed", "stability", "style", "useSpeakerBoost"], (0.7, 1.2)),
        ["hume"] = new(["cachingEnabled", "chunkPlan", "description", "fallbackPlan", "isCustomHumeVoice", "model"], null),
        ["lmnt"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "language", "speed"], (0.25, 2)),
        ["neuphonic"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "language", "model", "speed"], (0.25, 2)),
        ["openai"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "instructions", "model", "speed"], (0.25, 4)),
        ["playht"] = new(["cachingEnabled", "chunkPlan", "emotion", "fallbackPlan", "language", "model", "speed", "styleGuidance", "temperature", "textGuidance", "voiceGuidance"], (0.1, 5)),
        ["wellsaid"] = new(["cachingEnabled", "chunkPlan", "enableSsml", "fallbackPlan", "libraryIds", "model"], null),
        ["rime-ai"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "inlineSpeedAlpha", "language", "model", "pauseBetweenBrackets", "phonemizeBetweenBrackets", "reduceLatency", "speed"], (0.1, double.MaxValue)),
        ["smallest-ai"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "model", "speed"], (double.MinValue, double.MaxValue)),
        ["tavus"] = new(["cachingEnabled", "callbackUrl", "chunkPlan", "conversationName", "conversationalContext", "customGreeting", "fallbackPlan", "personaId", "properties"], null),
        ["vapi"] = new(["cachingEnabled", "chunkPlan", "language", "pronunciationDictionary", "speed", "version"], (0.25, 2)),
        ["sesame"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "model"], null),
        ["inworld"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "languageCode", "model", "speakingRate", "temperature"], null),
        ["minimax"] = new(["cachingEnabled", "chunkPlan", "emotion", "fallbackPlan", "languageBoost", "model", "pitch", "region", "speed", "subtitleType", "textNormalizationEnabled", "volume"], (0.5, 2)),
        ["xai"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "language", "speed"], (0.7, 1.5)),
        ["microsoft"] = new(["cachingEnabled", "chunkPlan", "fallbackPlan", "role", "speed", "style", "styleDegree"], (0.5, 2)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Deepgram's closed list of Aura and Aura-2 voices.</summary>
    public static readonly FrozenSet<string> DeepgramVoices = new[]
    {
        "alvaro", "amalthea", "andromeda", "angus", "apollo", "aquila", "arcas", "aries", "asteria", "athena",
        "atlas", "aurelia", "aurora", "callista", "carina", "celeste", "cora", "cordelia", "delia", "diana",
        "draco", "elara", "electra", "estrella", "fabian", "harmonia", "helena", "helios", "hera", "hermes",
        "hyperion", "iris", "janus", "javier", "julius", "juno", "jupiter", "kara", "lara", "luna",
        "mars", "minerva", "neptune", "nestor", "odysseus", "ophelia", "orion", "orpheus", "pandora", "perseus",
        "phoebe", "pluto", "saturn", "selena", "selene", "sirio", "stella", "thalia", "theia", "vesta",
        "viktoria", "zeus",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Settings that mean the same thing for every provider that accepts them, so they may follow a voice to a new provider.</summary>
    public static readonly FrozenSet<string> PortableSettings = new[] { "speed", "chunkPlan", "cachingEnabled", "fallbackPlan" }
        .ToFrozenSet(StringComparer.Ordinal);

    internal sealed class ProviderSchema(IReadOnlyCollection<string> settings, (double Min, double Max)? speedRange)
    {
        private readonly FrozenSet<string> _settings = settings.ToFrozenSet(StringComparer.Ordinal);

        public (double Min, double Max)? SpeedRange { get; } = speedRange;

        public bool Accepts(string setting) => _settings.Contains(setting);
    }
}
