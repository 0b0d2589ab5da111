using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.OpenTelemetry.Tests;

/// <summary>
/// A sync against the fake, with OpenTelemetry wired exactly as the README says, exports the library's metrics and spans.
/// One class: the meter and activity source are process-wide, so these tests must not run in parallel.
/// </summary>
public sealed class InstrumentationTests : IAsyncLifetime
{
    private const string Key = "sk-otel-test";
    private readonly List<Metric> _metrics = [];
    private readonly List<Activity> _spans = [];
    private FakeVapiServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = Key });
        var services = new ServiceCollection();
        services.AddVapiSync(o =>
        {
            o.BaseUrl = _server.BaseAddress;
            o.PlatformApiKey = Key;
        });
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddVapiSyncInstrumentation().AddInMemoryExporter(_metrics))
            .WithTracing(tracing => tracing.AddVapiSyncInstrumentation().AddInMemoryExporter(_spans));
        _services = services.BuildServiceProvider();
        _ = _services.GetRequiredService<MeterProvider>();
        _ = _services.GetRequiredService<TracerProvider>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Sync_ExportsSyncAndRequestMetrics()
    {
        await Manager.EnsureAssistantAsync(Request("agent-m"));

        _services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(1, Sum("vapisync.sync.count", ("vapisync.outcome", "created")));
        Assert.True(Sum("vapisync.request.count", ("vapisync.operation", "create"), ("http.response.status_code", 201)) >= 1);
        Assert.Contains(_metrics, m => m.Name == "vapisync.sync.duration" && m.Unit == "s");
        Assert.Contains(_metrics, m => m.Name == "vapisync.request.duration");
        Assert.Contains(_metrics, m => m.Name == "vapisync.circuit.state");
    }

    [Fact]
    public async Task Sync_ExportsSyncAndHttpSpans()
    {
        var result = await Manager.EnsureAssistantAsync(Request("agent-t"));

        _services.GetRequiredService<TracerProvider>().ForceFlush();

        var sync = Assert.Single(_spans, s => s.DisplayName == "vapisync sync");
        Assert.Equal("created", sync.GetTagItem("vapisync.outcome"));
        Assert.Equal(result.AssistantId, sync.GetTagItem("vapisync.assistant_id"));
        var create = Assert.Single(_spans, s => s.DisplayName == "vapi create");
        Assert.Equal(ActivityKind.Client, create.Kind);
        Assert.Equal(201, create.GetTagItem("http.response.status_code"));
        Assert.Null(create.GetTagItem("error.type"));
        Assert.Equal(sync.TraceId, create.TraceId);
        Assert.DoesNotContain(_spans.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains(Key, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task RejectedSync_CarriesSemanticConventionErrorType()
    {
        // Vapi's schema requires model.model: the fake answers 400, as Vapi would.
        var request = Request("agent-e") with { Assistant = new AssistantDefinition { Name = "Bad", Model = new JsonObject { ["provider"] = "openai" } } };

        await Assert.ThrowsAsync<VapiApiException>(() => Manager.EnsureAssistantAsync(request));
        _services.GetRequiredService<TracerProvider>().ForceFlush();
        _services.GetRequiredService<MeterProvider>().ForceFlush();

        var create = Assert.Single(_spans, s => s.DisplayName == "vapi create");
        Assert.Equal(400, create.GetTagItem("http.response.status_code"));
        Assert.Equal("400", create.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, create.Status);
        var sync = Assert.Single(_spans, s => s.DisplayName == "vapisync sync");
        Assert.Equal(ActivityStatusCode.Error, sync.Status);
        Assert.NotNull(sync.GetTagItem("error.type"));
        Assert.Equal(1, Sum("vapisync.sync.count", ("vapisync.outcome", "failed"), ("error.type", "400")));
    }

    private IVapiAssistantManager Manager => _services.GetRequiredService<IVapiAssistantManager>();

    private static AssistantSyncRequest Request(string agent) =>
        new("org-1", agent, new AssistantDefinition { Name = "Receptionist", Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" } });

    private long Sum(string instrument, params (string Key, object Value)[] tags)
    {
        long total = 0;
        foreach (var metric in _metrics.Where(m => m.Name == instrument))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value;
                }

                if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
                {
                    total += point.GetSumLong();
                }
            }
        }

        return total;
    }
}
