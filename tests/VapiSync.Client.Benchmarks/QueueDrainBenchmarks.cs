using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// Draining 10,000 queued saves of new agents against a fake Vapi that answers after 20 ms, 32 at a time, next to
/// <see cref="IVapiAssistantManager.EnsureAssistantsAsync"/> on the same work. The parallelism bound is
/// 10,000 × 20 ms / 32 = 6.25 s; the queue should reach at least 90 % of it and 0.95 of the bulk call. The
/// hand-written POST loop on the same fake shows, in the same run, how much of the bound the machine itself reaches.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcess))]
public class QueueDrainBenchmarks
{
    public const int Agents = 10_000;
    public const int Parallelism = 32;

    private FakeVapiServer _server = null!;
    private ServiceProvider _provider = null!;
    private CompletionCounter _counter = null!;
    private AssistantSyncRequest[] _requests = null!;
    private int _run;

    [IterationSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "EnsureAssistantsAsync: 10,000 agents, parallelism 32")]
    public async Task<int> Bulk()
    {
        var results = await _provider.GetRequiredService<IVapiAssistantManager>()
            .EnsureAssistantsAsync(_requests, new BulkSyncOptions { MaxDegreeOfParallelism = Parallelism });
        return results.Count(r => r.Succeeded) == Agents ? Agents : throw new InvalidOperationException("a sync failed");
    }

    [Benchmark(Description = "raw HttpClient: 10,000 POSTs, 32 at a time (the machine's own reach)")]
    public async Task<int> RawParallelPosts()
    {
        using var raw = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Parallelism }) { BaseAddress = _server.BaseAddress };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkHost.Key);
        var body = BenchmarkHost.RawBody("Hello!", "org/agent");
        await Parallel.ForEachAsync(Enumerable.Range(0, Agents), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (_, ct) =>
        {
            using var response = await raw.PostAsJsonAsync("assistant", body, ct);
            response.EnsureSuccessStatusCode();
        });
        return Agents;
    }

    [Benchmark(Description = "Queue drain: 10,000 queued saves, parallelism 32")]
    public async Task<int> Drain()
    {
        foreach (var hosted in _provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await _counter.AllDone.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return _counter.Synced == Agents ? Agents : throw new InvalidOperationException($"{Agents - _counter.Synced} saves were not applied");
    }

    private async Task SetupAsync()
    {
        _server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = BenchmarkHost.Key, Latency = TimeSpan.FromMilliseconds(20), RecordRequests = false, ValidateRequests = false });
        _counter = new CompletionCounter(Agents);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_counter);
        services.AddVapiSync(o =>
            {
                o.BaseUrl = _server.BaseAddress;
                o.PlatformApiKey = BenchmarkHost.Key;
            })
            .AddSyncQueue(o => o.MaxDegreeOfParallelism = Parallelism)
            .AddSyncQueueObserver<CompletionCounter>();
        _provider = services.BuildServiceProvider();
        var run = Interlocked.Increment(ref _run);
        var definition = BenchmarkHost.Definition("Hello!");
        _requests = [.. Enumerable.Range(0, Agents).Select(i => new AssistantSyncRequest("org", $"r{run}-agent-{i}", definition))];

        // The queue is filled before the measurement starts: the benchmark times the drain alone.
        var queue = _provider.GetRequiredService<IVapiSyncQueue>();
        foreach (var request in _requests)
        {
            await queue.EnqueueAsync(request);
        }
    }

    private async Task CleanupAsync()
    {
        foreach (var hosted in _provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>
    /// One short job, run in the benchmark's own process: the two methods are compared as a ratio in one run, and a
    /// separately built job does not finish building in time on a shared, loaded machine.
    /// </summary>
    private sealed class ShortInProcess : ManualConfig
    {
        public ShortInProcess() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }

    private sealed class CompletionCounter(int expected) : IVapiSyncQueueObserver
    {
        private int _synced;

        public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Synced => Volatile.Read(ref _synced);

        public ValueTask OnCompletedAsync(SyncQueueCompletion completion, CancellationToken cancellationToken)
        {
            if (completion.State == SyncQueueState.Synced && Interlocked.Increment(ref _synced) == expected)
            {
                AllDone.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
