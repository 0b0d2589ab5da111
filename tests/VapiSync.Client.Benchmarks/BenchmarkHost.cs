using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Benchmarks;

/// <summary>The library and a hand-written HttpClient, both against one fake Vapi on loopback.</summary>
internal sealed class BenchmarkHost : IAsyncDisposable
{
    public const string Key = "sk-bench";

    private readonly ServiceProvider _provider;

    private BenchmarkHost(FakeVapiServer server, int parallelism, Action<VapiSyncOptions>? configure)
    {
        Server = server;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o =>
        {
            o.BaseUrl = server.BaseAddress;
            o.PlatformApiKey = Key;
            configure?.Invoke(o);
        });
        _provider = services.BuildServiceProvider();
        Manager = _provider.GetRequiredService<IVapiAssistantManager>();
        Raw = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(parallelism, 2) }) { BaseAddress = server.BaseAddress };
        Raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public FakeVapiServer Server { get; }

    public IVapiAssistantManager Manager { get; }

    public HttpClient Raw { get; }

    public static async Task<BenchmarkHost> StartAsync(TimeSpan latency = default, int parallelism = 2, Action<VapiSyncOptions>? configure = null)
    {
        var server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions
        {
            DefaultApiKey = Key,
            Latency = latency,
            RecordRequests = false,
            ValidateRequests = false, // measure the client, not the fake's schema check
        });
        return new BenchmarkHost(server, parallelism, configure);
    }

    public static AssistantDefinition Definition(string firstMessage) => new()
    {
        Name = "Benchmark agent",
        FirstMessage = firstMessage,
        Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" },
        Model = new JsonObject
        {
            ["provider"] = "openai",
            ["model"] = "gpt-4o",
            ["temperature"] = 0.3,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "You answer the phone for a dental practice. Be brief and kind." }),
        },
        Transcriber = new JsonObject { ["provider"] = "deepgram", ["model"] = "nova-3" },
        Metadata = new JsonObject { ["crmId"] = "42" },
    };

    /// <summary>What hand-written code would send: the same definition, with the same metadata, as a JSON object.</summary>
    public static JsonObject RawBody(string firstMessage, string syncKey)
    {
        var body = JsonNode.Parse(Definition(firstMessage).ToJson())!.AsObject();
        body["metadata"]!["vapiSyncKey"] = syncKey;
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        await _provider.DisposeAsync();
        await Server.DisposeAsync();
    }
}
