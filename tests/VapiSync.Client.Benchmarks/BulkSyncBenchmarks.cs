using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// 10,000 new agents against a fake Vapi that answers after 20 ms, 32 at a time. The bound is 32 / 20 ms = 1,600 syncs/s
/// (6.25 s per run); the hand-written parallel POST loop shows what the machine itself reaches.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class BulkSyncBenchmarks
{
    public const int Agents = 10_000;
    public const int Parallelism = 32;

    private BenchmarkHost _host = null!;
    private BenchmarkHost _unchecked = null!;
    private AssistantSyncRequest[] _requests = null!;
    private int _run;

    [IterationSetup]
    public void Setup()
    {
        _host = BenchmarkHost.StartAsync(TimeSpan.FromMilliseconds(20), Parallelism).GetAwaiter().GetResult();
        _unchecked = BenchmarkHost.StartAsync(TimeSpan.FromMilliseconds(20), Parallelism, o => o.ConvergenceWindow = TimeSpan.Zero).GetAwaiter().GetResult();
        var run = Interlocked.Increment(ref _run);
        var definition = BenchmarkHost.Definition("Hello!");
        _requests = [.. Enumerable.Range(0, Agents).Select(i => new AssistantSyncRequest("org", $"r{run}-agent-{i}", definition))];
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _unchecked.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient: 10,000 POSTs, 32 at a time")]
    public Task RawParallelPosts()
    {
        var body = BenchmarkHost.RawBody("Hello!", "org/agent");
        return Parallel.ForEachAsync(Enumerable.Range(0, Agents), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (_, ct) =>
        {
            using var response = await _host.Raw.PostAsJsonAsync("assistant", body, ct);
            response.EnsureSuccessStatusCode();
        });
    }

    [Benchmark(Description = "EnsureAssistantsAsync: 10,000 agents, parallelism 32 (default: convergence check on)")]
    public Task<int> Bulk() => BulkAsync(_host);

    [Benchmark(Description = "EnsureAssistantsAsync: 10,000 agents, parallelism 32, ConvergenceWindow off")]
    public Task<int> BulkUnchecked() => BulkAsync(_unchecked);

    private async Task<int> BulkAsync(BenchmarkHost host)
    {
        var results = await host.Manager.EnsureAssistantsAsync(_requests, new BulkSyncOptions { MaxDegreeOfParallelism = Parallelism });
        return results.Count(r => r.Succeeded) == Agents ? Agents : throw new InvalidOperationException("a sync failed");
    }
}
