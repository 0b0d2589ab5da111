using System.Text.Json;
using System.Text.Json.Serialization;

namespace VapiSync.Client;

/// <summary>
/// An assistant's voice in Vapi's own JSON shape (<c>{"provider":"azure","voiceId":"en-US-JennyNeural", ...}</c>).
/// </summary>
/// <remarks>
/// Only the two fields every provider shares are typed; provider-specific settings (<c>speed</c>,
/// <c>stability</c>, <c>chunkPlan</c>, ...) round-trip through <see cref="ExtensionData"/>.
/// </remarks>
public sealed class VoiceConfig
{
    /// <summary>Gets or sets the voice provider, for example <c>azure</c>, <c>11labs</c> or <c>vapi</c>.</summary>
    /// <value>The default value is an empty string.</value>
    [JsonPropertyName("provider")]
    public string Provider { get; set; } = string.Empty;

    /// <summary>Gets or sets the provider-specific voice id, for example <c>en-US-JennyNeural</c>.</summary>
    /// <value>The default value is an empty string.</value>
    [JsonPropertyName("voiceId")]
    public string VoiceId { get; set; } = string.Empty;

    /// <summary>Gets or sets every other voice setting, kept and sent on as it was read.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Creates a deep copy of this voice, settings included.</summary>
    /// <returns>A copy that shares no state with this instance.</returns>
    public VoiceConfig Clone() => new()
    {
        Provider = Provider,
        VoiceId = VoiceId,
        ExtensionData = ExtensionData is null ? null : new(ExtensionData),
    };

    /// <summary>Returns <c>provider/voiceId</c>.</summary>
    /// <returns>A short, human-readable form of the voice.</returns>
    public override string ToString() => $"{Provider}/{VoiceId}";
}
