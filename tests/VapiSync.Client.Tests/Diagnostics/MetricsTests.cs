using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests.Diagnostics;

public sealed class MetricsTests : IDisposable
{
    private readonly SyncHarness _h = new(build: b => b.AddCredentialProvider<BrokenStore>());

    public MetricsTests()
    {
        _h.ReturnsOnList();
        _h.CreateReturnsNew();
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_h.Get<IMeterFactory>(), "VapiSync.Client", instrument);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task SyncCount_TaggedByOutcome()
    {
        using var syncs = Collect<long>("vapisync.sync.count");
        using var duration = Collect<double>("vapisync.sync.duration");

        // The create takes 250 ms of (fake) time; the unchanged sync makes no call and takes none.
        _h.Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                _h.Time.Advance(TimeSpan.FromMilliseconds(250));
                return SyncHarness.Assistant();
            });

        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(["created", "unchanged"], syncs.GetMeasurementSnapshot().Select(m => m.Tags["vapisync.outcome"]));
        Assert.Equal([0.25, 0.0], duration.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task SyncCount_FailureTaggedWithErrorType()
    {
        using var syncs = Collect<long>("vapisync.sync.count");
        _h.Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(400));

        await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        var measurement = Assert.Single(syncs.GetMeasurementSnapshot());
        Assert.Equal("failed", measurement.Tags["vapisync.outcome"]);
        Assert.Equal("400", measurement.Tags["error.type"]);
    }

    [Fact]
    public async Task VoiceNormalization_CountedByRule()
    {
        using var voices = Collect<long>("vapisync.voice.normalization.count");

        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent: "a"));
        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent: "b") with
        {
            Assistant = new AssistantDefinition { Voice = new VoiceConfig { Provider = "neets", VoiceId = "x" } },
        });

        var measurement = Assert.Single(voices.GetMeasurementSnapshot());
        Assert.Equal("Neets is no longer a Vapi voice provider", measurement.Tags["vapisync.voice.rule"]);
    }

    [Fact]
    public async Task CredentialResolution_TaggedBySourceAndFallThroughAfterFailure()
    {
        using var credentials = Collect<long>("vapisync.credential.resolution.count");

        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        var measurement = Assert.Single(credentials.GetMeasurementSnapshot());
        Assert.Equal("Options:PlatformApiKey", measurement.Tags["vapisync.credential.source"]);
        Assert.Equal(true, measurement.Tags["vapisync.credential.fell_through"]);
        Assert.Equal(true, measurement.Tags["vapisync.credential.after_failure"]);
    }

    [Fact]
    public async Task NoTagEverCarriesOrganizationOrKey()
    {
        using var syncs = Collect<long>("vapisync.sync.count");
        using var credentials = Collect<long>("vapisync.credential.resolution.count");

        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(org: "org-secret-name"));

        var values = syncs.GetMeasurementSnapshot().Concat(credentials.GetMeasurementSnapshot()).SelectMany(m => m.Tags.Values).Select(v => v?.ToString());
        Assert.DoesNotContain(values, v => v is not null && (v.Contains("org-secret-name", StringComparison.Ordinal) || v.Contains(SyncHarness.PlatformKey, StringComparison.Ordinal)));
    }

    internal sealed class BrokenStore : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("down");
    }
}
