using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;
using VapiSync.Client.Fleet.Internal;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.Fleet;

/// <summary>
/// An applied repair judges every voice while the listing runs; the classifier takes those verdicts instead of judging
/// each voice again, and the repair's write log still names what each write fixed.
/// </summary>
public sealed class FleetClassifierJudgedVoicesTests
{
    [Fact]
    public void Classify_WithJudgedVoices_ReportsThemAsJudgedAndNeverNormalizesAgain()
    {
        var legacy = Assistant("a1", "playht", "jennifer");
        var fine = Assistant("a2", "azure", "en-US-JennyNeural");
        var view = AccountView.Build([legacy, fine], "org", "vapiSyncKey");
        var judged = new FleetFinding
        {
            Kind = FleetFindingKind.LegacyVoice,
            AssistantId = "a1",
            Voice = legacy.Voice,
            ReplacementVoice = new VoiceConfig { Provider = "vapi", VoiceId = "Elliot" },
            Description = "judged while listing",
        };
        var input = new ClassifierInput(
            _ => throw new InvalidOperationException("a voice was judged a second time"),
            null,
            new Dictionary<string, string>(),
            new Dictionary<string, JsonObject>(),
            new Dictionary<string, FleetFinding>(StringComparer.Ordinal) { ["a1"] = judged });

        var findings = FleetClassifier.Classify(view, input);

        Assert.Same(judged, Assert.Single(findings));
    }

    [Fact]
    public void Classify_WithoutJudgedVoices_JudgesEachVoice()
    {
        var view = AccountView.Build([Assistant("a1", "playht", "jennifer")], "org", "vapiSyncKey");
        var judgedVoices = 0;
        var input = new ClassifierInput(
            voice =>
            {
                judgedVoices++;
                return new VoiceNormalization { Original = voice, Result = voice };
            },
            null,
            new Dictionary<string, string>(),
            new Dictionary<string, JsonObject>());

        Assert.Empty(FleetClassifier.Classify(view, input));
        Assert.Equal(1, judgedVoices);
    }

    [Theory]
    [InlineData(new[] { FleetFindingKind.LegacyVoice }, "LegacyVoice")]
    [InlineData(new[] { FleetFindingKind.Orphan }, "Orphan")]
    [InlineData(new[] { FleetFindingKind.Duplicate, FleetFindingKind.LegacyVoice }, "Duplicate, LegacyVoice")]
    [InlineData(new[] { FleetFindingKind.Drift, FleetFindingKind.LegacyVoice }, "Drift, LegacyVoice")]
    public void FixesText_NamesEveryKindAsBefore(FleetFindingKind[] fixes, string expected) =>
        Assert.Equal(expected, VapiFleet.FixesText(fixes));

    [Fact]
    public void RequestMetrics_StatusTags_AreBoxedOnceAndKeepTheirValue()
    {
        Assert.Same(RequestMetrics.Box(200), RequestMetrics.Box(200));
        Assert.Equal(429, RequestMetrics.Box(429));
        Assert.Equal(0, RequestMetrics.Box(0));
        Assert.Equal(799, RequestMetrics.Box(799));
        Assert.Equal(-1, RequestMetrics.Box(-1));
    }

    private static VapiAssistant Assistant(string id, string provider, string voiceId) => new()
    {
        Id = id,
        Name = id,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Voice = new VoiceConfig { Provider = provider, VoiceId = voiceId },
    };
}
