using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Benchmarks;

[MemoryDiagnoser]
public class LayerBenchmarks
{
    private BenchmarkHost _host = null!;
    private HttpClient _plain = null!;
    private HttpClient _resilient = null!;
    private IVapiClient _client = null!;
    private string _id = null!;
    private JsonObject _body = null!;
    private AssistantDefinition _definition = null!;
    private ServiceProvider _sp = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = BenchmarkHost.StartAsync().GetAwaiter().GetResult();
        _id = _host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org", "x", BenchmarkHost.Definition("Hello!"))).GetAwaiter().GetResult().AssistantId;
        _body = BenchmarkHost.RawBody("Hello!", "org/x");
        _definition = BenchmarkHost.Definition("Hello!");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient("plain", c => c.BaseAddress = _host.Server.BaseAddress);
        services.AddHttpClient("resilient", c => c.BaseAddress = _host.Server.BaseAddress).AddStandardResilienceHandler();
        services.AddVapiSync(o => { o.BaseUrl = _host.Server.BaseAddress; o.PlatformApiKey = BenchmarkHost.Key; });
        _sp = services.BuildServiceProvider();
        _plain = _sp.GetRequiredService<IHttpClientFactory>().CreateClient("plain");
        _resilient = _sp.GetRequiredService<IHttpClientFactory>().CreateClient("resilient");
        foreach (var c in new[] { _plain, _resilient })
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkHost.Key);
        }

        _client = _sp.GetRequiredService<IVapiClient>();
    }

    [Benchmark(Baseline = true)]
    public async Task<JsonElement> Raw()
    {
        using var r = await _host.Raw.PatchAsJsonAsync($"assistant/{_id}", _body);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Benchmark]
    public async Task<JsonElement> FactoryPlain()
    {
        using var r = await _plain.PatchAsJsonAsync($"assistant/{_id}", _body);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Benchmark]
    public async Task<JsonElement> FactoryResilient()
    {
        using var r = await _resilient.PatchAsJsonAsync($"assistant/{_id}", _body);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Benchmark]
    public Task<VapiAssistant> VapiClientUpdate() => _client.UpdateAssistantAsync(new VapiCredential(BenchmarkHost.Key, "b"), _id, _definition);
}
