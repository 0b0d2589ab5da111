using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// One sync against the loopback fake, next to the hand-written floor for the same request: the library's overhead
/// (validation, normalization, credential chain, lock, hashing, state, logging, resilience pipeline) per call.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SyncOverheadBenchmarks
{
    private BenchmarkHost _host = null!;
    private BenchmarkHost _converging = null!;
    private AssistantSyncRequest[] _updates = null!;
    private AssistantSyncRequest _unchanged = null!;
    private JsonObject[] _rawBodies = null!;
    private string _assistantId = null!;
    private int _turn;
    private int _created;

    [GlobalSetup]
    public void Setup()
    {
        // The floor comparison: a create is one POST when the convergence check is off (one instance, or a shared lock).
        _host = BenchmarkHost.StartAsync(configure: o => o.ConvergenceWindow = TimeSpan.Zero).GetAwaiter().GetResult();

        // The default: the convergence check on (one tail listing per create; in this tight loop every create is alone,
        // so nothing coalesces and each tail re-reads this loop's creates of the last window — the worst case).
        _converging = BenchmarkHost.StartAsync().GetAwaiter().GetResult();
        _updates = [new("org", "updated", BenchmarkHost.Definition("Hello!")), new("org", "updated", BenchmarkHost.Definition("Hi there!"))];
        _unchanged = new AssistantSyncRequest("org", "unchanged", BenchmarkHost.Definition("Hello!"));
        _assistantId = _host.Manager.EnsureAssistantAsync(_updates[0]).GetAwaiter().GetResult().AssistantId;
        _host.Manager.EnsureAssistantAsync(_unchanged).GetAwaiter().GetResult();
        _rawBodies = [BenchmarkHost.RawBody("Hello!", "org/updated"), BenchmarkHost.RawBody("Hi there!", "org/updated")];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _converging.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient PATCH")]
    [BenchmarkCategory("update")]
    public async Task<JsonElement> RawPatch()
    {
        using var response = await _host.Raw.PatchAsJsonAsync($"assistant/{_assistantId}", _rawBodies[_turn++ & 1]);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Benchmark(Description = "EnsureAssistantAsync → Updated (1 PATCH)")]
    [BenchmarkCategory("update")]
    public Task<AssistantSyncResult> EnsureUpdated() => _host.Manager.EnsureAssistantAsync(_updates[_turn++ & 1]);

    [Benchmark(Description = "EnsureAssistantAsync → Unchanged (no request)")]
    [BenchmarkCategory("update")]
    public Task<AssistantSyncResult> EnsureUnchanged() => _host.Manager.EnsureAssistantAsync(_unchanged);

    [Benchmark(Baseline = true, Description = "raw HttpClient POST")]
    [BenchmarkCategory("create")]
    public async Task<JsonElement> RawPost()
    {
        using var response = await _host.Raw.PostAsJsonAsync("assistant", _rawBodies[0]);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Benchmark(Description = "EnsureAssistantAsync → Created, ConvergenceWindow off (1 POST)")]
    [BenchmarkCategory("create")]
    public Task<AssistantSyncResult> EnsureCreated() =>
        _host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org", "new-" + Interlocked.Increment(ref _created), _updates[0].Assistant));

    [Benchmark(Description = "EnsureAssistantAsync → Created, default options (1 POST + 1 convergence GET)")]
    [BenchmarkCategory("create")]
    public Task<AssistantSyncResult> EnsureCreatedConverging() =>
        _converging.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org", "new-" + Interlocked.Increment(ref _created), _updates[0].Assistant));
}
