using System.Text.Json.Serialization;

namespace VapiSync.Client.Voices;

/// <summary>
/// One row of the voice table: voices it matches are replaced before anything is sent to Vapi.
/// The first matching rule wins: rules from <c>AddVoiceRule</c>, then <see cref="VapiSyncOptions.VoiceRules"/>, then the built-in ones.
/// </summary>
public sealed record VoiceRule
{
    /// <summary>Matches any provider when used as <see cref="Provider"/>.</summary>
    public const string AnyProvider = "*";

    /// <summary>Gets the provider this rule matches (case-insensitive), or <see cref="AnyProvider"/>.</summary>
    /// <value>The default value is an empty string, which is invalid.</value>
    public string Provider { get; init; } = string.Empty;

    /// <summary>Gets the voice id this rule matches (case-insensitive); <see langword="null"/> matches every voice of the provider.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? VoiceId { get; init; }

    /// <summary>Gets the voice to use instead; <see langword="null"/> means <see cref="VapiSyncOptions.DefaultVoice"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public VoiceConfig? Replacement { get; init; }

    /// <summary>Gets why the voice is replaced, for logs and results (for example "PlayHT shut down on 2025-12-31").</summary>
    /// <value>The default value is an empty string, which is invalid.</value>
    public string Reason { get; init; } = string.Empty;

    /// <summary>Gets an extra condition, checked after <see cref="Provider"/> and <see cref="VoiceId"/> match. Code-only (not bindable from configuration).</summary>
    /// <value>The default value is <see langword="null"/> (no extra condition).</value>
    [JsonIgnore]
    public Func<VoiceConfig, bool>? Condition { get; init; }

    /// <summary>Tells whether this rule matches a voice whose provider is already trimmed and lower-cased.</summary>
    /// <param name="voice">The voice.</param>
    /// <returns><see langword="true"/> when the rule applies.</returns>
    public bool Matches(VoiceConfig voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return (Provider == AnyProvider || string.Equals(Provider.Trim(), voice.Provider, StringComparison.OrdinalIgnoreCase))
            && (VoiceId is null || string.Equals(VoiceId.Trim(), voice.VoiceId, StringComparison.OrdinalIgnoreCase))
            && (Condition is null || Condition(voice));
    }

    /// <summary>Returns the rule's match and reason.</summary>
    /// <returns>For example <c>playht/* → default: PlayHT shut down</c>.</returns>
    public override string ToString() =>
        $"{Provider}/{VoiceId ?? "*"} → {(Replacement is null ? "default" : Replacement.ToString())}: {Reason}";
}
