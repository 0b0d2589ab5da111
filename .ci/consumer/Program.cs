using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VapiSync.Client;
using VapiSync.Client.Testing;

// What a user does after installing the packages, reading only the package READMEs: register, wire OpenTelemetry and
// the health check with the README's lines, sync, get one assistant.
await using var vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-consumer" });
var builder = Host.CreateApplicationBuilder();
builder.Services.AddVapiSync(o =>
{
    o.BaseUrl = vapi.BaseAddress;
    o.PlatformApiKey = "sk-consumer";
});

// README, "OpenTelemetry" — verbatim:
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddVapiSyncInstrumentation())
    .WithTracing(tracing => tracing.AddVapiSyncInstrumentation());
builder.Services.AddHealthChecks().AddVapiSyncHealthCheck(tags: ["ready"]);

// The check's own exporters, added beside the README's lines.
var metrics = new List<Metric>();
var spans = new List<Activity>();
builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));

using var host = builder.Build();
await host.StartAsync();
var manager = host.Services.GetRequiredService<IVapiAssistantManager>();

var request = new AssistantSyncRequest("org", "agent", new AssistantDefinition
{
    Name = "Consumer",
    Voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer" },
});
var first = await manager.EnsureAssistantAsync(request);
var second = await manager.EnsureAssistantAsync(request);
var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
host.Services.GetRequiredService<MeterProvider>().ForceFlush();
host.Services.GetRequiredService<TracerProvider>().ForceFlush();
await host.StopAsync();

var syncSpans = spans.Count(s => s.DisplayName == "vapisync sync");
var syncMetric = metrics.Any(m => m.Name == "vapisync.sync.count");
Console.WriteLine(
    $"consumer: {first.Outcome} then {second.Outcome}, {first.Voice}, assistants at Vapi: {vapi.GetAssistants("default").Count}, " +
    $"health {health.Status} ({health.Entries.Count} check), {syncSpans} sync spans, vapisync.sync.count exported: {syncMetric}");
return first.Outcome == SyncOutcome.Created && second.Outcome == SyncOutcome.Unchanged && vapi.GetAssistants("default").Count == 1
    && health.Status == HealthStatus.Healthy && health.Entries.ContainsKey("vapisync") && syncSpans == 2 && syncMetric ? 0 : 1;
