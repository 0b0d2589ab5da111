using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// The fleet audit of a 10,000-assistant account (one listing walk: at most 11 requests, checked on every run) and the
/// repair of 1,000 legacy voices against a fake that answers after 20 ms, 32 writes at a time. The goal's bound is
/// 1,000 × 20 ms / 32 = 625 ms (docs/benchmarks.md); the hand-written parallel PATCH loop sends the same 1,000 PATCH
/// bodies to the same fake and shows what the machine itself reaches, and the 1,000-assistant audit row shows what the
/// repair's own audit costs on its own. The repair's requests are counted on every run: 2 listing requests and exactly
/// one PATCH per legacy voice (no GET before a PATCH, no verifying audit after).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FleetBenchmarks
{
    public const int AuditedAssistants = 10_000;
    public const int LegacyVoices = 1_000;
    public const int Parallelism = 32;
    private const string Key = "sk-bench-fleet";

    private FakeVapiServer _server = null!;
    private ServiceProvider _provider = null!;
    private IVapiFleet _fleet = null!;
    private HttpClient _raw = null!;
    private List<string> _ids = null!;

    [IterationSetup(Targets = [nameof(Audit)])]
    public void SetupAudit() => Setup(AuditedAssistants, TimeSpan.Zero, legacyEvery: 10);

    [IterationSetup(Targets = [nameof(RawParallelPatches), nameof(RepairLegacyVoices), nameof(AuditBeforeRepair)])]
    public void SetupRepair() => Setup(LegacyVoices, TimeSpan.FromMilliseconds(20), legacyEvery: 1);

    [IterationCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _provider.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "AuditAsync: 10,000 assistants, one listing walk")]
    public async Task<int> Audit()
    {
        var report = await _fleet.AuditAsync(new FleetAuditRequest("org") { OrphanSource = FleetOrphanSource.None });
        var requests = _server.Requests.Count;
        return report.AssistantCount == AuditedAssistants && requests <= 11
            ? requests
            : throw new InvalidOperationException($"audited {report.AssistantCount} assistants with {requests} requests");
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient: 1,000 voice PATCHes, 32 at a time")]
    public Task RawParallelPatches()
    {
        var body = new JsonObject { ["voice"] = new JsonObject { ["provider"] = "azure", ["voiceId"] = "en-US-JennyNeural" } }.ToJsonString();
        return Parallel.ForEachAsync(_ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (id, ct) =>
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await _raw.PatchAsync($"assistant/{id}", content, ct);
            response.EnsureSuccessStatusCode();
        });
    }

    [Benchmark(Description = "RepairAsync: 1,000 legacy voices, parallelism 32 (audit included)")]
    public async Task<int> RepairLegacyVoices()
    {
        var result = await _fleet.RepairAsync(new FleetRepairRequest(new FleetAuditRequest("org") { OrphanSource = FleetOrphanSource.None }, FleetRepairKinds.LegacyVoices)
        {
            Apply = true,
            MaxDegreeOfParallelism = Parallelism,
        });
        var requests = _server.Requests;
        var patches = requests.Count(r => r.Method == "PATCH");
        return result.Actions.Count(a => a.Status == FleetRepairStatus.Done) == LegacyVoices && patches == LegacyVoices && requests.Count - patches == 2
            ? LegacyVoices
            : throw new InvalidOperationException($"repair: {result.Actions.Count(a => a.Status == FleetRepairStatus.Done)} done, {patches} PATCHes, {requests.Count} requests");
    }

    [Benchmark(Description = "AuditAsync: 1,000 assistants at 20 ms (the repair's audit alone)")]
    public async Task<int> AuditBeforeRepair()
    {
        var report = await _fleet.AuditAsync(new FleetAuditRequest("org") { OrphanSource = FleetOrphanSource.None });
        return report.AssistantCount == LegacyVoices ? report.Findings.Count : throw new InvalidOperationException($"audited {report.AssistantCount} assistants");
    }

    private void Setup(int count, TimeSpan latency, int legacyEvery)
    {
        _server = FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = Key, DefaultAccountId = "bench", Latency = latency, RecordBodies = false, ValidateRequests = false })
            .GetAwaiter().GetResult();
        _ids = [.. MessyAccount.SeedMany(_server, "bench", "org", count, legacyEvery)];

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o =>
        {
            o.BaseUrl = _server.BaseAddress;
            o.PlatformApiKey = Key;
        });
        _provider = services.BuildServiceProvider();
        _fleet = _provider.GetRequiredService<IVapiFleet>();
        _raw = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Parallelism }) { BaseAddress = _server.BaseAddress };
        _raw.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        _server.ClearRequests();
    }
}
