using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// What the default convergence check costs a caller that creates one agent after another against a Vapi that answers
/// after 20 ms: 50 sequential creates per operation, the hand-written POST loop as the floor, the sync with the check off
/// and with the default (on). Nothing coalesces here (one create at a time), so each create pays its own listing.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ConvergenceCostBenchmarks
{
    public const int Creates = 50;

    private BenchmarkHost _checked = null!;
    private BenchmarkHost _unchecked = null!;
    private AssistantDefinition _definition = null!;
    private int _run;

    [GlobalSetup]
    public void Setup()
    {
        _checked = BenchmarkHost.StartAsync(TimeSpan.FromMilliseconds(20)).GetAwaiter().GetResult();
        _unchecked = BenchmarkHost.StartAsync(TimeSpan.FromMilliseconds(20), configure: o => o.ConvergenceWindow = TimeSpan.Zero).GetAwaiter().GetResult();
        _definition = BenchmarkHost.Definition("Hello!");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _checked.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _unchecked.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient: 50 POSTs one after another, 20 ms")]
    public async Task RawSequentialPosts()
    {
        var body = BenchmarkHost.RawBody("Hello!", "org/agent");
        for (var i = 0; i < Creates; i++)
        {
            using var response = await _unchecked.Raw.PostAsJsonAsync("assistant", body);
            response.EnsureSuccessStatusCode();
        }
    }

    [Benchmark(Description = "EnsureAssistantAsync → Created ×50, ConvergenceWindow off (1 POST each)")]
    public Task CreatedUnchecked() => CreateAsync(_unchecked);

    [Benchmark(Description = "EnsureAssistantAsync → Created ×50, default (1 POST + 1 convergence GET each)")]
    public Task CreatedChecked() => CreateAsync(_checked);

    private async Task CreateAsync(BenchmarkHost host)
    {
        var run = Interlocked.Increment(ref _run);
        for (var i = 0; i < Creates; i++)
        {
            await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org", $"c{run}-{i}", _definition));
        }
    }
}
