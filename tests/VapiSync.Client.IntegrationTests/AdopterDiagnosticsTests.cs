using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VapiSync.Client.Http;

namespace VapiSync.Client.IntegrationTests;

/// <summary>What an operator sees: the health check's registration options, and logs that say what happened once.</summary>
public sealed class AdopterDiagnosticsTests
{
    [Fact]
    public async Task HealthCheck_FailureStatusTagsAndTimeout_AreRegisteredAndReported()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.Services.AddHealthChecks()
            .AddVapiSyncHealthCheck("vapi", failureStatus: HealthStatus.Unhealthy, tags: ["ready"], timeout: TimeSpan.FromSeconds(3)));
        var registration = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline()); // builds the pipeline the breaker controls

        await host.Breaker.IsolateAsync();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal("vapi", registration.Name);
        Assert.Equal(TimeSpan.FromSeconds(3), registration.Timeout);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["vapi"].Status);
    }

    [Fact]
    public async Task Isolate_LogsIsolatedUntilReset_NeverAnInfiniteBreakDuration()
    {
        await using var host = await IntegrationHost.StartAsync();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline());

        await host.Breaker.IsolateAsync();

        var logs = host.Logs.Collector.GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Message.Contains("10675199", StringComparison.Ordinal));
        var isolated = Assert.Single(logs, r => r.Message.Contains("isolated", StringComparison.Ordinal));
        Assert.Contains("until it is reset", isolated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VapiRejectsDefinition_LoggedOnceAtWarningWithoutStackTrace()
    {
        await using var host = await IntegrationHost.StartAsync();
        var request = IntegrationHost.Request() with
        {
            Assistant = new AssistantDefinition { Name = "Bad model", Model = new JsonObject { ["provider"] = "openai" } },
        };

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(request, IntegrationHost.Deadline()));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        var warnings = host.Logs.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        var only = Assert.Single(warnings);
        Assert.Null(only.Exception);
        Assert.Contains("model.model should not be empty", only.Message, StringComparison.Ordinal);
        Assert.Contains("agent-1", only.Message, StringComparison.Ordinal);
    }
}
