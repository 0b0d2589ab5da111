namespace VapiSync.Client.Voices;

/// <summary>What <see cref="IVoiceNormalizer"/> did to a voice.</summary>
public sealed record VoiceNormalization
{
    /// <summary>Gets the voice as the host saved it.</summary>
    public VoiceConfig? Original { get; init; }

    /// <summary>Gets the voice that is sent to Vapi.</summary>
    public VoiceConfig? Result { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Result"/> differs from <see cref="Original"/> in any way.</summary>
    public bool Changed { get; init; }

    /// <summary>Gets the rule that replaced the voice, if one did.</summary>
    public VoiceRule? AppliedRule { get; init; }

    /// <summary>Gets the settings that were dropped because Vapi does not accept them for the resulting provider (it answers 400).</summary>
    public IReadOnlyList<string> DroppedSettings { get; init; } = [];

    /// <summary>Returns a one-line summary.</summary>
    /// <returns>For example <c>playht/jennifer → azure/en-US-JennyNeural (PlayHT shut down)</c>.</returns>
    public override string ToString() => !Changed
        ? $"{Original?.ToString() ?? "(none)"} unchanged"
        : $"{Original} → {Result}{(AppliedRule is null ? string.Empty : $" ({AppliedRule.Reason})")}"
          + (DroppedSettings.Count > 0 ? $", dropped {string.Join(", ", DroppedSettings)}" : string.Empty);
}
