using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VapiSync.Client;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Verify;

/// <summary>
/// "Vapi down for a while, saves keep coming, all converge after it is back": saves go through the durable queue while
/// the fake answers 503 to everything; once it recovers, every agent must hold its latest definition, exactly once.
/// </summary>
internal static class QueueCheck
{
    private const int Agents = 10;
    private const int Saves = 40;

    public static async Task<string> VapiDownSavesConvergeAsync(FakeVapiServer fake, string platformKey, string runId, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o =>
            {
                o.BaseUrl = fake.BaseAddress;
                o.PlatformApiKey = platformKey;
            })
            .ConfigureResilience(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(10);
                o.CircuitBreaker.BreakDuration = TimeSpan.FromMilliseconds(500);
            })
            .AddSyncQueue(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.InitialBackoff = TimeSpan.FromMilliseconds(100);
                o.MaxBackoff = TimeSpan.FromSeconds(1);
                o.BreakerCheckInterval = TimeSpan.FromMilliseconds(50);
            });
        await using var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<IVapiSyncQueue>();
        var drainers = provider.GetServices<IHostedService>().ToList();
        var org = "queue-" + runId;
        var latest = new Dictionary<string, (long Version, string Name)>();
        var synced = new ConcurrentDictionary<string, long>();
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var allSynced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = WatchAsync(queue, synced, latest, allSynced, watch.Token);

        fake.Faults.Enqueue("*", "*", Fault.Status(503), times: int.MaxValue / 2);
        foreach (var drainer in drainers)
        {
            await drainer.StartAsync(ct);
        }

        try
        {
            for (var i = 0; i < Saves; i++)
            {
                var agent = $"agent-{i % Agents}";
                var name = $"Queued {agent} v{i / Agents}";
                var entry = await queue.EnqueueAsync(new AssistantSyncRequest(org, agent, new AssistantDefinition { Name = name, FirstMessage = "Hello!" }), ct);
                lock (latest)
                {
                    latest[agent] = (entry.Version, name);
                }
            }

            var whileDown = await queue.GetStatisticsAsync(ct);
            Expect(whileDown.Synced == 0, "a save was applied while Vapi was down");
            fake.Faults.Clear();
            CheckDone(synced, latest, allSynced);
            await allSynced.Task.WaitAsync(ct);

            var mine = fake.GetAssistants("platform-account").Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>()?.StartsWith(org + "/", StringComparison.Ordinal) == true).ToList();
            Expect(mine.Count == Agents, $"expected {Agents} assistants, found {mine.Count}");
            foreach (var (agent, (_, name)) in latest)
            {
                var names = mine.Where(a => a["metadata"]!["vapiSyncKey"]!.GetValue<string>() == $"{org}/{agent}").Select(a => a["name"]?.GetValue<string>()).ToList();
                Expect(names.Count == 1 && names[0] == name, $"{agent}: expected one assistant named '{name}', found [{string.Join(", ", names)}]");
            }

            return $"{Saves} saves of {Agents} agents while every call failed with 503 ({whileDown.Depth} waiting, 0 applied) · after recovery {Agents} assistants, each at its latest definition, 0 duplicates";
        }
        finally
        {
            fake.Faults.Clear();
            await watch.CancelAsync();
            await watcher;
            foreach (var drainer in drainers)
            {
                await drainer.StopAsync(CancellationToken.None);
            }
        }
    }

    private static async Task WatchAsync(IVapiSyncQueue queue, ConcurrentDictionary<string, long> synced, Dictionary<string, (long Version, string Name)> latest, TaskCompletionSource allSynced, CancellationToken ct)
    {
        try
        {
            await foreach (var completion in queue.ReadCompletionsAsync(ct))
            {
                if (completion.State == SyncQueueState.Synced)
                {
                    synced.AddOrUpdate(completion.AgentKey, completion.Version, (_, v) => Math.Max(v, completion.Version));
                    CheckDone(synced, latest, allSynced);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the check is over
        }
    }

    private static void CheckDone(ConcurrentDictionary<string, long> synced, Dictionary<string, (long Version, string Name)> latest, TaskCompletionSource allSynced)
    {
        lock (latest)
        {
            if (latest.Count == Agents && latest.All(l => synced.TryGetValue(l.Key, out var v) && v >= l.Value.Version))
            {
                allSynced.TrySetResult();
            }
        }
    }

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }
}
