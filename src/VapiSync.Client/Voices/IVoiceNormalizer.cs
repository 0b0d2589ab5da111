namespace VapiSync.Client.Voices;

/// <summary>Turns any voice a host saved into one Vapi accepts, through a table of <see cref="VoiceRule"/>s. Pure: no I/O.</summary>
public interface IVoiceNormalizer
{
    /// <summary>Normalizes a voice.</summary>
    /// <param name="voice">The voice as the host saved it; <see langword="null"/> means "Vapi's default" and stays <see langword="null"/>.</param>
    /// <returns>The voice to send, what changed and which rule applied. The input is never modified.</returns>
    VoiceNormalization Normalize(VoiceConfig? voice);
}
