using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VapiSync.Client.Credentials;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task RequestCount_TaggedByOperationAndStatus_ZeroForNoAnswer()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o => o.Retry.MaxRetryAttempts = 1));
        using var requests = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.request.count");
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");
        host.Server.Faults.Enqueue("GET", "/assistant/{id}", Fault.ConnectionReset(), times: 2);

        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        var noAnswer = await Assert.ThrowsAsync<Http.VapiApiException>(() => host.Client.GetAssistantAsync(credential, Guid.NewGuid().ToString(), ct));

        Assert.Equal(VapiErrorCodes.ConnectionFailed, noAnswer.ErrorCode);

        var seen = requests.GetMeasurementSnapshot().Select(m => $"{m.Tags["vapisync.operation"]}:{m.Tags["http.response.status_code"]}").ToList();
        Assert.Equal(["list:200", "create:201", "list:200", "get:0"], seen); // lookup, create, its convergence listing (on by default), the get
    }

    [Fact]
    public async Task CircuitStateGauge_FollowsTheBreaker()
    {
        await using var host = await IntegrationHost.StartAsync();
        using var gauge = new MetricCollector<int>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.circuit.state");
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline());

        gauge.RecordObservableInstruments();
        await host.Breaker.IsolateAsync();
        gauge.RecordObservableInstruments();
        await host.Breaker.ResetAsync();
        gauge.RecordObservableInstruments();

        Assert.Equal([0, 3, 0], gauge.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task HealthCheck_HealthyThenDegradedWhileOpenWithOpenedAtThenHealthyAfterReset()
    {
        await using var host = await IntegrationHost.StartAsync(
            build: b =>
            {
                b.Services.AddHealthChecks().AddVapiSyncHealthCheck();
                b.ConfigureResilience(o =>
                {
                    o.Retry.MaxRetryAttempts = 1;
                    o.CircuitBreaker.MinimumThroughput = 2;
                    o.CircuitBreaker.FailureRatio = 0.5;
                    o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
                });
            });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");

        var healthy = await health.CheckHealthAsync(ct);
        host.Server.Faults.Enqueue("GET", "/assistant/{id}", Fault.Status(503), times: 50);
        var before = DateTimeOffset.UtcNow;
        while (host.Breaker.State == CircuitState.Closed)
        {
            await Assert.ThrowsAsync<Http.VapiApiException>(() => host.Client.GetAssistantAsync(credential, Guid.NewGuid().ToString(), ct));
        }

        var open = await health.CheckHealthAsync(ct);
        await host.Breaker.ResetAsync(ct);
        var reset = await health.CheckHealthAsync(ct);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Degraded, open.Status);
        var entry = open.Entries["vapisync"];
        Assert.Equal("Open", entry.Data["circuitState"]);
        Assert.InRange(DateTimeOffset.Parse((string)entry.Data["openedAt"], System.Globalization.CultureInfo.InvariantCulture), before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Contains("open since", entry.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, reset.Status);
    }

    [Fact]
    public async Task HealthCheck_IsolatedIsDegraded()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.Services.AddHealthChecks().AddVapiSyncHealthCheck());
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline());

        await host.Breaker.IsolateAsync();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal("Isolated", report.Entries["vapisync"].Data["circuitState"]);
    }

    [Fact]
    public async Task Traces_SyncActivityWithCredentialAndHttpChildren()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "VapiSync.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await IntegrationHost.StartAsync();

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "traced"), IntegrationHost.Deadline());

        List<Activity> mine;
        lock (activities)
        {
            var sync = activities.Single(a => a.OperationName == "vapisync sync" && (string?)a.GetTagItem("vapisync.agent_key") == "traced");
            mine = activities.Where(a => a.TraceId == sync.TraceId).ToList();
            Assert.Equal("created", sync.GetTagItem("vapisync.outcome"));
            Assert.Equal(result.AssistantId, sync.GetTagItem("vapisync.assistant_id"));
        }

        Assert.Contains(mine, a => a.OperationName == "vapisync credential");
        Assert.Contains(mine, a => a.OperationName == "vapi create");
        Assert.Contains(mine, a => a.OperationName == "vapi list");
    }

    [Fact]
    public async Task ResilienceSettings_BoundFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VapiSync:BaseUrl"] = "https://api.vapi.ai",
            ["VapiSync:Resilience:Retry:MaxRetryAttempts"] = "7",
            ["VapiSync:Resilience:CircuitBreaker:MinimumThroughput"] = "42",
        }).Build();
        var services = new ServiceCollection();
        services.AddVapiSync(configuration.GetSection("VapiSync"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(VapiSyncServiceCollectionExtensions.HttpClientName + "-standard");

        Assert.Equal(7, options.Retry.MaxRetryAttempts);
        Assert.Equal(42, options.CircuitBreaker.MinimumThroughput);
        Assert.NotNull(options.CircuitBreaker.ManualControl);
        Assert.NotNull(options.CircuitBreaker.StateProvider);
    }

    [Fact]
    public async Task Post_Answered503_IsNotRetriedWhileGetIs()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var created = await host.Client.CreateAssistantAsync(new VapiCredential(IntegrationHost.PlatformKey, "test"), new AssistantDefinition { Name = "a" }, ct);
        host.Server.ClearRequests();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.Status(503));
        host.Server.Faults.Enqueue("GET", "/assistant/{id}", Fault.Status(503));

        var post = await Assert.ThrowsAsync<VapiSync.Client.Http.VapiApiException>(() => host.Client.CreateAssistantAsync(new VapiCredential(IntegrationHost.PlatformKey, "test"), new AssistantDefinition { Name = "b" }, ct));
        var get = await host.Client.GetAssistantAsync(new VapiCredential(IntegrationHost.PlatformKey, "test"), created.Id, ct);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Single(host.Server.Requests, r => r.Method == "POST");
        Assert.Equal(created.Id, get!.Id);
        Assert.Equal(2, host.Server.Requests.Count(r => r.Method == "GET"));
    }
}
