using VapiSync.Client.Voices.Internal;

namespace VapiSync.Client.Voices;

/// <summary>
/// The legacy-voice rules the library applies after the host's own (see <c>vapi-api.md</c> §9). Each maps to
/// <see cref="VapiSyncOptions.DefaultVoice"/> unless it names another replacement. Turn them off with
/// <see cref="VapiSyncOptions.IncludeBuiltInVoiceRules"/>, or shadow one with a rule of your own.
/// </summary>
public static class BuiltInVoiceRules
{
    /// <summary>Vapi's own voices retired on 2026-03-01; new assistants cannot use them.</summary>
    public static IReadOnlyList<string> RetiredVapiVoices { get; } = ["Spencer", "Neha", "Harry", "Cole", "Paige", "Hana", "Lily", "Kylie"];

    /// <summary>PlayHT shut its API down (2025-12-31): any PlayHT voice.</summary>
    public static VoiceRule PlayHT { get; } = new()
    {
        Provider = "playht",
        Reason = "PlayHT shut down its API on 2025-12-31",
    };

    /// <summary>Neets was removed from Vapi's voice providers: any Neets voice.</summary>
    public static VoiceRule Neets { get; } = new()
    {
        Provider = "neets",
        Reason = "Neets is no longer a Vapi voice provider",
    };

    /// <summary>A bare <c>jenny</c> on Azure is not a Vapi preset: it becomes Azure's <c>en-US-JennyNeural</c>, settings kept.</summary>
    public static VoiceRule BareAzureJenny { get; } = new()
    {
        Provider = "azure",
        VoiceId = "jenny",
        Replacement = new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" },
        Reason = "'jenny' is not an Azure voice name; Azure's Jenny is en-US-JennyNeural",
    };

    /// <summary>Any provider Vapi's schema does not list (its voice union has 20).</summary>
    public static VoiceRule UnknownProvider { get; } = new()
    {
        Provider = VoiceRule.AnyProvider,
        Condition = voice => !VoiceSchemas.Providers.ContainsKey(voice.Provider),
        Reason = "the voice provider is not one Vapi supports",
    };

    /// <summary>Deepgram voices outside Deepgram's closed list of Aura voices.</summary>
    public static VoiceRule UnknownDeepgramVoice { get; } = new()
    {
        Provider = "deepgram",
        Condition = voice => !VoiceSchemas.DeepgramVoices.Contains(voice.VoiceId.ToLowerInvariant()),
        Reason = "Deepgram accepts only its listed Aura voices",
    };

    /// <summary>Gets every built-in rule, in the order they are tried.</summary>
    public static IReadOnlyList<VoiceRule> All { get; } =
    [
        PlayHT,
        Neets,
        .. RetiredVapiVoices.Select(name => new VoiceRule
        {
            Provider = "vapi",
            VoiceId = name,
            Reason = $"Vapi retired the voice '{name}' on 2026-03-01",
        }),
        BareAzureJenny,
        UnknownProvider,
        UnknownDeepgramVoice,
    ];
}
