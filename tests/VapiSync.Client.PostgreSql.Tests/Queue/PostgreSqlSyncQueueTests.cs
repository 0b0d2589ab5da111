using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>
/// The durable queue end to end: two instances sharing PostgreSQL drain saves to the fake Vapi through an outage, a
/// crash and a permanent refusal. Every wait is on completions or a deadline, never a sleep.
/// </summary>
public sealed class PostgreSqlSyncQueueTests : IAsyncLifetime
{
    private const string Account = "default";
    private readonly string _schema = Postgres.NewSchema();
    private FakeVapiServer _vapi = null!;

    public async Task InitializeAsync() => _vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg" });

    public async Task DisposeAsync()
    {
        await _vapi.DisposeAsync();
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    [PostgresFact]
    public async Task VapiDownWhileSavesArrive_TwoInstances_EveryAgentConvergesToItsLatestDefinition()
    {
        await using var a = new QueueInstance(_vapi, _schema);
        await using var b = new QueueInstance(_vapi, _schema);
        var ct = Deadline(180);
        var synced = new ConcurrentDictionary<string, long>();
        var latest = new ConcurrentDictionary<string, (long Version, string Name)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = Task.WhenAll(Watch(a, synced, stop.Token), Watch(b, synced, stop.Token));
        _vapi.Faults.Enqueue("*", "*", Fault.Status(503), times: int.MaxValue / 2); // Vapi is down
        await a.StartAsync();
        await b.StartAsync();

        // 1,000 saves of 200 agents (each saved about five times), half through each instance, while every call fails.
        var random = new Random(1234);
        for (var i = 0; i < 1000; i++)
        {
            var agent = $"agent-{random.Next(200):D3}";
            var name = $"{agent} save {i}";
            var entry = await (i % 2 == 0 ? a : b).Queue.EnqueueAsync(Request(agent, name), ct);
            latest.AddOrUpdate(agent, (entry.Version, name), (_, old) => entry.Version > old.Version ? (entry.Version, name) : old);
        }

        Assert.Empty(_vapi.GetAssistants(Account)); // nothing got through while down
        var beforeRecovery = await a.Queue.GetStatisticsAsync(ct);
        Assert.Equal(latest.Count, beforeRecovery.Depth + beforeRecovery.Synced);

        _vapi.Faults.Clear(); // Vapi is back
        await WaitUntilAsync(() => latest.All(l => synced.TryGetValue(l.Key, out var v) && v >= l.Value.Version), ct);

        var assistants = _vapi.GetAssistants(Account);
        Assert.Equal(latest.Count, assistants.Count); // 0 duplicates, 0 lost
        foreach (var (agent, (version, name)) in latest)
        {
            var mine = Assert.Single(assistants, x => x["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"org-1/{agent}");
            Assert.Equal(name, mine["name"]!.GetValue<string>());
            var entry = await b.Queue.GetAsync("org-1", agent, ct);
            Assert.Equal((SyncQueueState.Synced, version), (entry!.State, entry.Version));
        }

        var stats = await a.Queue.GetStatisticsAsync(ct);
        Assert.Equal((0L, (long)latest.Count), (stats.Depth, stats.Synced));
        await stop.CancelAsync();
        await watching;
    }

    [PostgresFact]
    public async Task InstanceKilledMidDrain_ItsClaimedItemsReturnAndConverge()
    {
        // The dead instance: it claimed items (and for some even reached Vapi) but never recorded anything.
        await using var dead = new PostgreSqlSyncQueueStore(Options.Create(new PostgreSqlSyncQueueOptions { ConnectionString = Postgres.Required, Schema = _schema }));
        var agents = Enumerable.Range(0, 30).Select(i => $"agent-{i:D2}").ToList();
        foreach (var agent in agents)
        {
            await dead.EnqueueAsync("org-1", agent, SyncQueueOperation.Save, Request(agent, agent + " v1"), DateTimeOffset.UtcNow);
        }

        var claimed = await dead.ClaimAsync(20, TimeSpan.FromSeconds(2), DateTimeOffset.UtcNow);
        Assert.Equal(20, claimed.Count);
        await dead.EnqueueAsync("org-1", agents[0], SyncQueueOperation.Save, Request(agents[0], agents[0] + " v2"), DateTimeOffset.UtcNow); // a newer save meanwhile

        await using var survivor = new QueueInstance(_vapi, _schema);
        var synced = new ConcurrentDictionary<string, long>();
        var ct = Deadline(60);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = Watch(survivor, synced, stop.Token);
        await survivor.StartAsync();
        await WaitUntilAsync(() => agents.All(a => synced.TryGetValue(a, out var v) && v >= (a == agents[0] ? 2 : 1)), ct);

        Assert.Equal(30, _vapi.GetAssistants(Account).Count);
        Assert.Equal(agents[0] + " v2", Assert.Single(_vapi.GetAssistants(Account), x => x["name"]!.GetValue<string>().StartsWith(agents[0], StringComparison.Ordinal))["name"]!.GetValue<string>());
        Assert.Null(await dead.CompleteAsync(claimed[1], "late", SyncOutcome.Created, DateTimeOffset.UtcNow)); // the dead claimer's late write is fenced
        await stop.CancelAsync();
        await watching;
    }

    [PostgresFact]
    public async Task PermanentBadRequest_IsParkedNotRetriedForever()
    {
        await using var instance = new QueueInstance(_vapi, _schema);
        var ct = Deadline(60);
        var completions = instance.Queue.ReadCompletionsAsync(ct).GetAsyncEnumerator(ct);
        var next = completions.MoveNextAsync();
        _vapi.Faults.Enqueue("POST", "/assistant", Fault.Status(400), times: 1);
        await instance.StartAsync();

        await instance.Queue.EnqueueAsync(Request("bad", "bad v1"), ct);
        Assert.True(await next);
        var parked = completions.Current;

        Assert.Equal((SyncQueueState.Parked, "bad"), (parked.State, parked.AgentKey));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, parked.Error!.StatusCode);

        // The drainer goes on: another agent syncs, and the parked one was still sent once.
        await instance.Queue.EnqueueAsync(Request("good", "good v1"), ct);
        Assert.True(await completions.MoveNextAsync());
        Assert.Equal(("good", SyncQueueState.Synced), (completions.Current.AgentKey, completions.Current.State));
        Assert.Equal(2, _vapi.Requests.Count(r => r.Method == "POST"));
        var entry = await instance.Queue.GetAsync("org-1", "bad", ct);
        Assert.Equal((SyncQueueState.Parked, 1), (entry!.State, entry.Attempts));
        Assert.Contains("400", entry.ParkedReason, StringComparison.Ordinal);
        await completions.DisposeAsync();
    }

    private static AssistantSyncRequest Request(string agent, string name) =>
        new("org-1", agent, new AssistantDefinition { Name = name, FirstMessage = "Hello!", Metadata = new JsonObject { ["crmId"] = agent } });

    private static CancellationToken Deadline(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Records the highest synced version per agent from an instance's completions, and pulses on each.</summary>
    private static async Task Watch(QueueInstance instance, ConcurrentDictionary<string, long> synced, CancellationToken ct)
    {
        try
        {
            await foreach (var completion in instance.Queue.ReadCompletionsAsync(ct))
            {
                if (completion.State == SyncQueueState.Synced)
                {
                    synced.AddOrUpdate(completion.AgentKey, completion.Version, (_, v) => Math.Max(v, completion.Version));
                }

                Pulse();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Pulse() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (true)
        {
            var pulse = Volatile.Read(ref _pulse).Task;
            if (condition())
            {
                return;
            }

            await pulse.WaitAsync(ct);
        }
    }
}
