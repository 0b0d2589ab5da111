using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.Voices;

public sealed class VoiceNormalizerTests : IDisposable
{
    private readonly SyncHarness _harness = new();

    private IVoiceNormalizer Normalizer => _harness.Get<IVoiceNormalizer>();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Normalize_SupportedVoice_IsUnchanged()
    {
        var voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural", ExtensionData = SyncHarness.Settings("""{"speed":1.2}""") };

        var result = Normalizer.Normalize(voice);

        Assert.False(result.Changed);
        Assert.Null(result.AppliedRule);
        Assert.Equal("en-US-AriaNeural", result.Result!.VoiceId);
        Assert.Equal(1.2, result.Result.ExtensionData!["speed"].GetDouble());
    }

    [Fact]
    public void Normalize_Null_StaysNull()
    {
        var result = Normalizer.Normalize(null);

        Assert.Null(result.Result);
        Assert.False(result.Changed);
    }

    [Theory]
    [InlineData("playht", "jennifer")]
    [InlineData("PlayHT", "s3://voice-cloning-zero-shot/abc/manifest.json")]
    [InlineData("neets", "vits-eng-1")]
    [InlineData("vapi", "Kylie")]
    [InlineData("vapi", "spencer")]
    [InlineData("vapi", "LILY")]
    [InlineData("elevenlabs", "rachel")]
    [InlineData("google", "en-US-Wavenet-D")]
    [InlineData("deepgram", "aura-asteria-en")]
    [InlineData("deepgram", "nobody")]
    public void Normalize_LegacyOrUnsupportedVoice_BecomesDefaultJenny(string provider, string voiceId)
    {
        var result = Normalizer.Normalize(new VoiceConfig { Provider = provider, VoiceId = voiceId });

        Assert.True(result.Changed);
        Assert.NotNull(result.AppliedRule);
        Assert.Equal("azure", result.Result!.Provider);
        Assert.Equal("en-US-JennyNeural", result.Result.VoiceId);
    }

    [Theory]
    [InlineData("vapi", "Elliot")]
    [InlineData("vapi", "Rohan")]
    [InlineData("deepgram", "asteria")]
    [InlineData("11labs", "21m00Tcm4TlvDq8ikWAM")]
    [InlineData("cartesia", "any-free-string")]
    public void Normalize_CurrentVoice_IsKept(string provider, string voiceId)
    {
        var result = Normalizer.Normalize(new VoiceConfig { Provider = provider, VoiceId = voiceId });

        Assert.False(result.Changed);
        Assert.Equal(provider, result.Result!.Provider);
        Assert.Equal(voiceId, result.Result.VoiceId);
    }

    [Fact]
    public void Normalize_BareAzureJenny_BecomesJennyNeuralAndKeepsSettings()
    {
        var voice = new VoiceConfig { Provider = "azure", VoiceId = "jenny", ExtensionData = SyncHarness.Settings("""{"speed":1.5,"cachingEnabled":false}""") };

        var result = Normalizer.Normalize(voice);

        Assert.Same(BuiltInVoiceRules.BareAzureJenny, result.AppliedRule);
        Assert.Equal("en-US-JennyNeural", result.Result!.VoiceId);
        Assert.Equal(1.5, result.Result.ExtensionData!["speed"].GetDouble());
        Assert.False(result.Result.ExtensionData["cachingEnabled"].GetBoolean());
    }

    [Fact]
    public void Normalize_ProviderSwitch_DropsOldProviderSettingsAndKeepsPortableOnesInRange()
    {
        var voice = new VoiceConfig
        {
            Provider = "playht",
            VoiceId = "jennifer",
            ExtensionData = SyncHarness.Settings("""{"temperature":0.7,"emotion":"female_happy","speed":1.1,"chunkPlan":{"enabled":true}}"""),
        };

        var result = Normalizer.Normalize(voice);

        var settings = result.Result!.ExtensionData!;
        Assert.Equal(["chunkPlan", "speed"], settings.Select(p => p.Key).Order());
        Assert.Equal(1.1, settings["speed"].GetDouble());
    }

    [Fact]
    public void Normalize_ProviderSwitch_DropsPortableSettingOutOfNewProvidersRange()
    {
        // PlayHT allows speed up to 5; Azure only up to 2.
        var voice = new VoiceConfig { Provider = "playht", VoiceId = "x", ExtensionData = SyncHarness.Settings("""{"speed":3.0}""") };

        var result = Normalizer.Normalize(voice);

        Assert.Null(result.Result!.ExtensionData);
    }

    [Fact]
    public void Normalize_SettingTheProviderDoesNotAccept_IsDroppedAndReported()
    {
        var voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural", ExtensionData = SyncHarness.Settings("""{"enableSsmlParsing":true}""") };

        var result = Normalizer.Normalize(voice);

        Assert.True(result.Changed);
        Assert.Null(result.AppliedRule);
        Assert.Equal(["enableSsmlParsing"], result.DroppedSettings);
        Assert.Null(result.Result!.ExtensionData);
    }

    [Fact]
    public void Normalize_ProviderInOtherCase_IsLowerCasedNotReplaced()
    {
        var result = Normalizer.Normalize(new VoiceConfig { Provider = " Azure ", VoiceId = "en-US-AriaNeural" });

        Assert.Null(result.AppliedRule);
        Assert.Equal("azure", result.Result!.Provider);
        Assert.True(result.Changed);
    }

    [Fact]
    public void Normalize_NeverModifiesTheInput()
    {
        var voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer", ExtensionData = SyncHarness.Settings("""{"speed":1.0}""") };

        var result = Normalizer.Normalize(voice);

        Assert.Equal("playht", voice.Provider);
        Assert.Equal("jennifer", voice.VoiceId);
        Assert.Same(voice, result.Original);
        Assert.NotSame(voice.ExtensionData, result.Result!.ExtensionData);
    }

    [Fact]
    public void Normalize_BuilderRule_WinsOverOptionsRuleAndBuiltIns()
    {
        var builderReplacement = new VoiceConfig { Provider = "11labs", VoiceId = "builder-voice" };
        var optionsReplacement = new VoiceConfig { Provider = "11labs", VoiceId = "options-voice" };
        using var harness = new SyncHarness(
            o => o.VoiceRules.Add(new VoiceRule { Provider = "playht", Replacement = optionsReplacement, Reason = "options" }),
            b => b.AddVoiceRule(new VoiceRule { Provider = "playht", VoiceId = "jennifer", Replacement = builderReplacement, Reason = "builder" }));
        var normalizer = harness.Get<IVoiceNormalizer>();

        Assert.Equal("builder-voice", normalizer.Normalize(new VoiceConfig { Provider = "playht", VoiceId = "jennifer" }).Result!.VoiceId);
        Assert.Equal("options-voice", normalizer.Normalize(new VoiceConfig { Provider = "playht", VoiceId = "other" }).Result!.VoiceId);
    }

    [Fact]
    public void Normalize_ConfiguredDefaultVoice_ReplacesLegacyVoices()
    {
        using var harness = new SyncHarness(o => o.DefaultVoice = new VoiceConfig { Provider = "vapi", VoiceId = "Elliot" });

        var result = harness.Get<IVoiceNormalizer>().Normalize(new VoiceConfig { Provider = "neets", VoiceId = "x" });

        Assert.Equal("vapi", result.Result!.Provider);
        Assert.Equal("Elliot", result.Result.VoiceId);
    }

    [Fact]
    public void Normalize_BuiltInRulesTurnedOff_LeavesLegacyVoiceAlone()
    {
        using var harness = new SyncHarness(o => o.IncludeBuiltInVoiceRules = false);

        var result = harness.Get<IVoiceNormalizer>().Normalize(new VoiceConfig { Provider = "playht", VoiceId = "jennifer" });

        Assert.Null(result.AppliedRule);
        Assert.Equal("playht", result.Result!.Provider);
    }

    [Fact]
    public void BuiltInRules_CoverEveryRetiredVapiVoice()
    {
        foreach (var name in new[] { "Spencer", "Neha", "Harry", "Cole", "Paige", "Hana", "Lily", "Kylie" })
        {
            Assert.Contains(BuiltInVoiceRules.All, r => r.Provider == "vapi" && r.VoiceId == name);
        }
    }
}
