using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using VapiSync.Client.Http;
using VapiSync.Client.Resilience;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>The library through AddVapiSync against a FakeVapiServer on loopback, tuned so retries take milliseconds.</summary>
internal sealed class IntegrationHost : IAsyncDisposable
{
    public const string PlatformKey = "sk-platform-test-key";
    public const string PlatformAccount = "platform-account";

    private readonly ServiceProvider _provider;
    private readonly bool _ownsServer;

    private IntegrationHost(FakeVapiServer server, bool ownsServer, Action<VapiSyncOptions>? configure, Action<IVapiSyncBuilder>? build)
    {
        Server = server;
        _ownsServer = ownsServer;
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        var builder = services.AddVapiSync(o =>
        {
            o.BaseUrl = server.BaseAddress;
            o.PlatformApiKey = PlatformKey;
            o.ApiKeyEnvironmentVariable = "VAPISYNC_IT_UNSET";
            configure?.Invoke(o);
        });
        builder.ConfigureResilience(FastResilience);
        build?.Invoke(builder);
        _provider = services.BuildServiceProvider();
    }

    public FakeVapiServer Server { get; }

    public FakeLoggerProvider Logs { get; } = new();

    public IVapiAssistantManager Manager => _provider.GetRequiredService<IVapiAssistantManager>();

    public IVapiClient Client => _provider.GetRequiredService<IVapiClient>();

    public IVapiCircuitBreaker Breaker => _provider.GetRequiredService<IVapiCircuitBreaker>();

    public IServiceProvider Services => _provider;

    /// <summary>Every test is bounded by cancellation, never by sleeping.</summary>
    public static CancellationToken Deadline(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static async Task<IntegrationHost> StartAsync(Action<VapiSyncOptions>? configure = null, Action<IVapiSyncBuilder>? build = null, FakeVapiServerOptions? serverOptions = null)
    {
        var server = await FakeVapiServer.StartAsync(serverOptions);
        server.AddApiKey(PlatformKey, PlatformAccount);
        return new IntegrationHost(server, ownsServer: true, configure, build);
    }

    /// <summary>A second host (a restarted process, or another instance) against the same server.</summary>
    public IntegrationHost Another(Action<VapiSyncOptions>? configure = null, Action<IVapiSyncBuilder>? build = null) =>
        new(Server, ownsServer: false, configure, build);

    public static void FastResilience(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions o)
    {
        o.Retry.Delay = TimeSpan.FromMilliseconds(20);
        o.Retry.MaxRetryAttempts = 3;
        o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
        o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(15);
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
    }

    public static AssistantSyncRequest Request(string agent = "agent-1", string org = "org-1", string name = "Receptionist", string provider = "azure", string voiceId = "en-US-AriaNeural") =>
        new(org, agent, new AssistantDefinition
        {
            Name = name,
            FirstMessage = "Hello! How can I help?",
            Voice = new VoiceConfig { Provider = provider, VoiceId = voiceId },
            Model = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o", ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Be brief." }) },
            Metadata = new JsonObject { ["crmId"] = agent },
        });

    public IReadOnlyList<JsonObject> AssistantsOf(string agent, string org = "org-1", string account = PlatformAccount) =>
        Server.GetAssistants(account).Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{org}/{agent}").ToList();

    /// <summary>Two instances save the same request at the same moment (both released by one signal); both results.</summary>
    public static async Task<AssistantSyncResult[]> SaveAtOnceAsync(IntegrationHost a, IntegrationHost b, AssistantSyncRequest request, CancellationToken ct)
    {
        var start = new TaskCompletionSource();
        var fromA = Task.Run(async () => { await start.Task; return await a.Manager.EnsureAssistantAsync(request, ct); });
        var fromB = Task.Run(async () => { await start.Task; return await b.Manager.EnsureAssistantAsync(request, ct); });
        start.SetResult();
        return await Task.WhenAll(fromA, fromB);
    }

    public int Count(string method, string? path = null) =>
        Server.Requests.Count(r => r.Method == method && (path is null || r.Path == path));

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Logs.Dispose();
        if (_ownsServer)
        {
            await Server.DisposeAsync();
        }
    }
}
