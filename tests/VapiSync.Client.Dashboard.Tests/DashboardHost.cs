using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VapiSync.Client.Dashboard;
using VapiSync.Client.Queue;
using VapiSync.Client.Resilience;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Dashboard.Tests;

/// <summary>A web host on Kestrel at 127.0.0.1:0 with the library against a FakeVapiServer, the queue and the dashboard.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string Key = "sk-dashboard-test-key";
    public const string Account = "dashboard-account";
    public const string Mount = "/vapisync";

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, FakeVapiServer server, Uri baseAddress, Definitions definitions)
    {
        Definitions = definitions;
        _app = app;
        Server = server;
        BaseAddress = baseAddress;
    }

    public FakeVapiServer Server { get; }

    /// <summary>The dashboard's address, ending with a slash.</summary>
    public Uri BaseAddress { get; }

    public Uri DashboardUrl => new(BaseAddress, Mount.TrimStart('/'));

    public IServiceProvider Services => _app.Services;

    public IVapiCircuitBreaker Breaker => Services.GetRequiredService<IVapiCircuitBreaker>();

    public IVapiSyncQueue Queue => Services.GetRequiredService<IVapiSyncQueue>();

    public IVapiAssistantManager Manager => Services.GetRequiredService<IVapiAssistantManager>();

    public Definitions Definitions { get; }

    /// <param name="remoteAddress">Rewrites every request's remote address (as a forwarded-headers middleware would), to see the default authorization refuse it.</param>
    /// <param name="policy">Puts an authorization policy (that allows everyone) on the dashboard.</param>
    public static async Task<DashboardHost> StartAsync(IPAddress? remoteAddress = null, bool policy = false)
    {
        var server = await FakeVapiServer.StartAsync();
        server.AddApiKey(Key, Account);
        var definitions = new Definitions();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddVapiSync(o =>
            {
                o.BaseUrl = server.BaseAddress;
                o.PlatformApiKey = Key;
                o.ApiKeyEnvironmentVariable = "VAPISYNC_DASHBOARD_TESTS_UNSET";
            })
            .ConfigureResilience(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(10);
                o.Retry.MaxRetryAttempts = 1;
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(15);

                // Two failed calls open the breaker, and it stays open for the test's life: the Overview test trips it for real.
                o.CircuitBreaker.MinimumThroughput = 2;
                o.CircuitBreaker.FailureRatio = 0.5;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
            })
            .AddSyncQueue(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.InitialBackoff = TimeSpan.FromMilliseconds(50);
                o.BreakerCheckInterval = TimeSpan.FromMilliseconds(50);
            });
        builder.Services.AddSingleton<IAgentDefinitionSource>(definitions);
        builder.Services.AddVapiSyncDashboard();
        builder.Services.AddAuthorization(o => o.AddPolicy("operators", p => p.RequireAssertion(_ => true)));

        var app = builder.Build();
        if (remoteAddress is not null)
        {
            app.Use((context, next) =>
            {
                context.Connection.RemoteIpAddress = remoteAddress;
                return next(context);
            });
        }

        app.UseRouting();
        app.UseAuthorization();
        var dashboard = app.MapVapiSyncDashboard(Mount);
        if (policy)
        {
            dashboard.RequireAuthorization("operators");
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new DashboardHost(app, server, new Uri(address.TrimEnd('/') + "/"), definitions);
    }

    public static AssistantDefinition Definition(string name = "Receptionist", string provider = "azure", string voiceId = "en-US-AriaNeural") => new()
    {
        Name = name,
        FirstMessage = "Hello! How can I help?",
        Voice = new VoiceConfig { Provider = provider, VoiceId = voiceId },
        Model = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o" },
    };

    /// <summary>Waits for the drainer to finish the agent's item in <paramref name="state"/>, listening from before <paramref name="act"/> runs.</summary>
    public async Task<SyncQueueCompletion> CompletionAsync(string agentKey, SyncQueueState state, Func<Task> act)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = Queue.ReadCompletionsAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        var first = stream.MoveNextAsync();
        await act();
        try
        {
            while (await first)
            {
                if (stream.Current.AgentKey == agentKey && stream.Current.State == state)
                {
                    return stream.Current;
                }

                first = stream.MoveNextAsync();
            }
        }
        finally
        {
            await stream.DisposeAsync();
        }

        throw new InvalidOperationException($"The completion stream of {agentKey} ended without state {state}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>The host's own definitions, as an <see cref="IAgentDefinitionSource"/>.</summary>
internal sealed class Definitions : IAgentDefinitionSource
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), AssistantDefinition> _definitions = new();

    public void Set(string organizationId, string agentKey, AssistantDefinition definition) => _definitions[(organizationId, agentKey)] = definition;

    public ValueTask<AssistantDefinition?> GetDefinitionAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_definitions.GetValueOrDefault((organizationId, agentKey)));
}
