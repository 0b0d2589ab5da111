using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// The fleet audit of a 10,000-assistant account (one listing walk: at most 11 requests, checked on every run) and the
/// repair of 1,000 legacy voices against a fake that answers after 20 ms, 32 writes at a time. The repair's bound is
/// 2 listing requests + ceil(1,000 / 32) = 32 rounds of PATCHes, 34 × 20 ms = 680 ms; the hand-written parallel
/// PATCH loop shows what the machine itself reaches.
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

    [IterationSetup(Targets = [nameof(RawParallelPatches), nameof(RepairLegacyVoices)])]
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
        return result.Actions.Count(a => a.Status == FleetRepairStatus.Done) == LegacyVoices ? LegacyVoices : throw new InvalidOperationException("a repair failed");
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
