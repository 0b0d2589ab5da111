using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>
/// Claim renewal with two instances sharing PostgreSQL. One fake clock drives both drainers, their leases, the HTTP
/// timeouts and the fake Vapi's latency; the test advances it in small steps and, before each step, waits (on the
/// database) until the claim still has a generous part of its lease left, so a slow machine delays the test but cannot
/// make a held claim expire.
/// </summary>
public sealed class PostgreSqlSyncQueueLeaseTests : IAsyncLifetime
{
    private const string Account = "default";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    private readonly string _schema = Postgres.NewSchema();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeVapiServer _vapi = null!;

    public async Task InitializeAsync() =>
        _vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg", TimeProvider = _time });

    public async Task DisposeAsync()
    {
        await _vapi.DisposeAsync();
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    [PostgresFact]
    public async Task SyncSlowerThanTheClaimLease_TwoInstances_CompletesExactlyOnceWithOnePost()
    {
        await using var a = new QueueInstance(_vapi, _schema, Configure, _time);
        await using var b = new QueueInstance(_vapi, _schema, Configure, _time);
        var ct = Deadline(120);
        var completions = a.Queue.ReadCompletionsAsync(ct).GetAsyncEnumerator(ct);
        var completed = completions.MoveNextAsync().AsTask();
        _vapi.Faults.Enqueue("POST", "/assistant", Fault.Latency(3 * Lease), times: 1); // the create takes three leases
        await a.StartAsync();
        await a.Queue.EnqueueAsync(Request("slow", "slow v1"), ct);
        await WaitUntilAsync($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE state = 1)", ct); // a claimed it
        await b.StartAsync(); // b polls on every step and must find nothing due

        var advanced = TimeSpan.Zero;
        while (!completed.IsCompleted)
        {
            Assert.True(advanced < 10 * Lease, "the slow sync never completed");
            await WaitUntilClaimHeldAsync(ct);
            _time.Advance(Step);
            advanced += Step;
        }

        Assert.True(await completed);
        Assert.Equal((SyncQueueState.Synced, "slow"), (completions.Current.State, completions.Current.AgentKey));
        Assert.True(advanced >= 3 * Lease);
        Assert.Single(_vapi.Requests, r => r.Method == "POST" && r.Path == "/assistant");
        Assert.Single(_vapi.GetAssistants(Account));
        var entry = await b.Queue.GetAsync("org-1", "slow", ct);
        Assert.Equal((SyncQueueState.Synced, 1L, 0), (entry!.State, entry.Version, entry.Attempts));
        await completions.DisposeAsync();
    }

    [PostgresFact]
    public async Task ClaimStolenAfterItExpired_TheOldClaimerIsCancelledAndCannotCompleteOrOverwrite()
    {
        var logs = new EventIdRecorder();
        await using var a = new QueueInstance(_vapi, _schema, Configure, _time, logs);
        await using var thief = new PostgreSqlSyncQueueStore(Options.Create(new PostgreSqlSyncQueueOptions { ConnectionString = Postgres.Required, Schema = _schema }));
        var ct = Deadline(120);
        _vapi.Faults.Enqueue("POST", "/assistant", Fault.Latency(3 * Lease), times: 1);
        await a.StartAsync();
        await a.Queue.EnqueueAsync(Request("stolen", "stolen v1"), ct);
        await WaitUntilAsync($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE state = 1)", ct);

        // The claim expires (on the clock the queue's writes use) and another claimer takes it.
        await ExecuteAsync($"UPDATE {Table} SET lease_expires_at = $1", _time.GetUtcNow() - TimeSpan.FromSeconds(1));
        var stolen = Assert.Single(await thief.ClaimAsync(1, Lease, _time.GetUtcNow(), ct));

        // a's next renewal finds the claim taken and cancels its sync: the create it had in flight is abandoned.
        while (!logs.Seen(7010))
        {
            Assert.True(_time.GetUtcNow() < stolen.LeaseExpiresAt - Step, "a never noticed that its claim was taken");
            _time.Advance(Step);
            await logs.WaitAsync(TimeSpan.FromMilliseconds(200), ct);
        }

        await WaitUntilAsync(() => _vapi.Requests.Any(r => r.Method == "POST" && r.Path == "/assistant" && r.StatusCode == 0), ct);
        Assert.Empty(_vapi.GetAssistants(Account));
        Assert.Equal(stolen.LeaseToken, await ScalarAsync<Guid>($"SELECT lease_token FROM {Table}")); // a wrote nothing

        // The thief's outcome is the one recorded; a's late writes are refused.
        var done = await thief.CompleteAsync(stolen, "asst-thief", SyncOutcome.Created, _time.GetUtcNow(), ct);
        Assert.Equal((SyncQueueState.Synced, "asst-thief"), (done!.State, done.AssistantId));
        var mine = stolen with { LeaseToken = Guid.NewGuid() };
        Assert.Null(await thief.CompleteAsync(mine, "asst-a", SyncOutcome.Created, _time.GetUtcNow(), ct));
        Assert.Null(await thief.RenewAsync(mine, Lease, _time.GetUtcNow(), ct));
        Assert.Equal("asst-thief", (await a.Queue.GetAsync("org-1", "stolen", ct))!.AssistantId);
    }

    [PostgresFact]
    public async Task NewerSaveOnAnotherInstance_WhileAnItemWaitsClaimedAhead_OnlyTheLatestReachesVapi()
    {
        await using var a = new QueueInstance(_vapi, _schema, o => (o.LeaseDuration, o.MaxDegreeOfParallelism) = (Lease, 1), _time);
        await using var web = new QueueInstance(_vapi, _schema, o => o.DrainerEnabled = false, _time); // enqueues only
        var ct = Deadline(120);
        var completions = a.Queue.ReadCompletionsAsync(ct).GetAsyncEnumerator(ct);
        _vapi.Faults.Enqueue("POST", "/assistant", Fault.Latency(TimeSpan.FromSeconds(30)), times: 1); // holds a's only worker
        await a.StartAsync();
        await a.Queue.EnqueueAsync(Request("busy", "busy v1"), ct);
        await WaitUntilAsync($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE agent_key = 'busy' AND state = 1)", ct);
        await a.Queue.EnqueueAsync(Request("waiting", "waiting v1"), ct);
        await WaitUntilAsync($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE agent_key = 'waiting' AND state = 1)", ct); // claimed ahead

        await web.Queue.EnqueueAsync(Request("waiting", "waiting v2"), ct); // a is not told

        // The clock moves until the slow create ends and the waiting item lands, its claim held all along.
        var advanced = TimeSpan.Zero;
        do
        {
            var next = completions.MoveNextAsync().AsTask();
            while (!next.IsCompleted)
            {
                Assert.True(advanced < 10 * Lease, "the waiting item never landed");
                await WaitUntilClaimHeldAsync(ct);
                _time.Advance(Step);
                advanced += Step;
            }

            Assert.True(await next);
        }
        while (completions.Current.AgentKey != "waiting");

        Assert.Equal((SyncQueueState.Synced, 2L), (completions.Current.State, completions.Current.Version));
        Assert.Equal(["busy v1", "waiting v2"], _vapi.GetAssistants(Account).Select(x => (string)x["name"]!).Order());
        Assert.Equal(2, _vapi.Requests.Count(r => r.Method is "POST" or "PATCH")); // waiting v1 was never sent
        await completions.DisposeAsync();
    }

    private string Table => $"\"{_schema}\".sync_queue";

    private static void Configure(SyncQueueOptions o) => o.LeaseDuration = Lease;

    private static AssistantSyncRequest Request(string agent, string name) =>
        new("org-1", agent, new AssistantDefinition { Name = name, FirstMessage = "Hello!", Metadata = new JsonObject { ["crmId"] = agent } });

    private static CancellationToken Deadline(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Waits until the claim (if the item is still processing) has at least half its lease left on the fake clock.</summary>
    private async Task WaitUntilClaimHeldAsync(CancellationToken ct)
    {
        while (true)
        {
            await using var dataSource = NpgsqlDataSource.Create(Postgres.Required);
            await using var command = dataSource.CreateCommand($"SELECT bool_and(state <> 1 OR lease_expires_at >= $1) FROM {Table}");
            command.Parameters.AddWithValue(_time.GetUtcNow() + (Lease / 2));
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                return;
            }

            await Task.Delay(20, ct);
        }
    }

    private static async Task WaitUntilAsync(string condition, CancellationToken ct)
    {
        while (!await Postgres.ScalarAsync<bool>(condition))
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task ExecuteAsync(string sql, DateTimeOffset value)
    {
        await using var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<T> ScalarAsync<T>(string sql) => Postgres.ScalarAsync<T>(sql);

    /// <summary>Records the event ids an instance logs, and pulses on each.</summary>
    private sealed class EventIdRecorder : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, bool> _seen = new();
        private readonly SemaphoreSlim _logged = new(0);

        public bool Seen(int id) => _seen.ContainsKey(id);

        public async Task WaitAsync(TimeSpan atMost, CancellationToken ct) => await _logged.WaitAsync(atMost, ct);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            _seen[eventId.Id] = true;
            _logged.Release();
        }

        public void Dispose() => _logged.Dispose();
    }
}
