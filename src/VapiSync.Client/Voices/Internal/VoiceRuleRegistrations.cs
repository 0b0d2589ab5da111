namespace VapiSync.Client.Voices.Internal;

/// <summary>Rules added with <c>IVapiSyncBuilder.AddVoiceRule</c>, in call order, ahead of the options' rules.</summary>
internal sealed class VoiceRuleRegistrations
{
    public List<VoiceRule> Rules { get; } = [];
}
