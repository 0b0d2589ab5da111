using System.Collections.Concurrent;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// Randomized, model-based: random schedules of saves of a few agents across 1–3 managers (with and without a shared
/// store and lock), every <see cref="FaultKind"/>, cancellations, state-store failures, restarts, stale host ids, page
/// sizes 1–1000 and agent ids including malformed UTF-16. After quiescence and one clean sync per agent per live
/// manager: exactly one assistant per valid agent holding its latest definition; every exception ours or the caller's
/// cancellation; no key in any log line or exception message. Seeded by CsCheck, which prints a failing seed.
/// </summary>
public sealed class AdversarialSuiteTests : IAsyncLifetime
{
    private static readonly string[] AgentPool = ["agent-1", "agent-2", "a/b", "agent-\uFFFD", "agent-\uD800", "ü-agent"];

    /// <summary>Every <see cref="FaultKind"/>; the slow ones (they cost a timeout) are rarer so 2,000 schedules stay fast.</summary>
    private static readonly Fault?[] Faults =
    [
        null, null, null, null, null, null, null, null, null, null,
        Fault.Status(503), Fault.Status(500), Fault.Status(429, TimeSpan.Zero), Fault.Status(404), Fault.ConnectionReset(), Fault.MalformedBody(),
        Fault.CommitThenFail(500), Fault.CommitThenFail(502), Fault.CommitThenReset(), Fault.ConnectionReset(), Fault.MalformedBody(), Fault.CommitThenReset(),
        Fault.CommitThenStall(TimeSpan.FromMilliseconds(50)), Fault.Latency(TimeSpan.FromMilliseconds(50)),
    ];

    /// <summary>Schedules per run; <c>VAPISYNC_ADVERSARIAL_ITERATIONS</c> overrides it (CI soak, local debugging).</summary>
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("VAPISYNC_ADVERSARIAL_ITERATIONS"), out var n) ? n : 2000;

    private static int s_account;
    private readonly KeyBook _keys = new();
    private readonly MutableOptions _options = new();
    private readonly FakeLogCollector _logs = new();
    private readonly FlakyStore _sharedStore = new();
    private readonly TestLock _sharedLock = new();
    private readonly Dictionary<bool, List<ServiceProvider>> _pools = new() { [true] = [], [false] = [] };
    private readonly List<ServiceProvider> _retired = [];
    private FakeVapiServer _server = null!;

    public async Task InitializeAsync()
    {
        // The fake, the managers and the runner share two cores: without spare pool threads a blocked runner thread
        // costs a thread-injection delay (~1 s) now and then.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        _server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions());
        _options.Value.BaseUrl = _server.BaseAddress;
        _options.Value.ApiKeyEnvironmentVariable = "VAPISYNC_ADV_UNSET";
        // ConvergenceWindow left at its default (on): a shared lock and store do not see a create whose state write failed.
        foreach (var shared in new[] { true, false })
        {
            for (var i = 0; i < 3; i++)
            {
                _pools[shared].Add(Build(shared));
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _pools.Values.SelectMany(p => p).Concat(_retired))
        {
            await provider.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RandomSchedules_ExactlyOneAssistantPerAgent_OnlyTypedErrors_NoKeyLeaks()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 5], Gen.Int[0, Faults.Length - 1], Gen.Int[-1, 3], Gen.Int[0, 9], Gen.Bool)
            .Select((manager, agent, fault, cancelMs, extra, parallel) => new Op(manager, agent, fault, cancelMs, extra, parallel));
        var schedule = Gen.Select(Gen.Int[1, 3], Gen.Bool, Gen.OneOf(Gen.Int[1, 4], Gen.Int[5, 1000]), op.Array[1, 6])
            .Select((managers, shared, pageSize, ops) => new Schedule(managers, shared, pageSize, ops));

        await schedule.SampleAsync(RunAsync, iter: Iterations, threads: 1);
    }

    private async Task RunAsync(Schedule schedule)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await RunCoreAsync(schedule);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("VAPISYNC_ADVERSARIAL_TIMES") is { } file)
            {
                File.AppendAllText(file, $"{sw.ElapsedMilliseconds} {schedule}\n");
            }
        }
    }

    private async Task RunCoreAsync(Schedule schedule)
    {
        // Every schedule gets its own account (key) and organization, so the managers' indexes and stores start empty
        // for it; the managers themselves are reused (a restart builds a fresh one), which keeps 2,000 schedules fast.
        var n = Interlocked.Increment(ref s_account);
        var key = $"sk-adv-{n}-0123456789abcdef";
        var account = $"acct-{n}";
        var org = $"org-{n}";
        _server.AddApiKey(key, account);
        _keys.Keys[org] = key;
        _server.Faults.Clear();
        _server.ClearRequests();
        _logs.Clear();
        _options.Value.ListPageSize = schedule.PageSize;
        var pool = _pools[schedule.Shared];
        var hosts = pool.Take(schedule.Managers).ToList();
        var sharedStore = _sharedStore;
        var errors = new ConcurrentBag<(Exception Error, bool CallerCancelled)>();
        var ids = new ConcurrentDictionary<int, ConcurrentBag<string>>();
        var latest = new Dictionary<int, int>();
        try
        {
            var version = 0;
            var batch = new List<Task>();
            foreach (var o in schedule.Ops)
            {
                if (!o.Parallel)
                {
                    await Task.WhenAll(batch);
                    batch.Clear();
                }

                var m = o.Manager % hosts.Count;
                if (o.Extra == 9)
                {
                    await Task.WhenAll(batch);
                    batch.Clear();
                    _retired.Add(hosts[m]); // disposed at the end: disposing a provider waits on its HTTP handlers
                    hosts[m] = pool[m] = Build(schedule.Shared); // restart: fresh memory (and store unless shared)
                }

                if (Faults[o.Fault] is { } fault)
                {
                    // Lost answers matter most on POST; a 404 is what a PATCH of a deleted assistant gets; the rest hit anything.
                    var (method, path) = fault switch
                    {
                        { Kind: FaultKind.CommitThenFail or FaultKind.CommitThenReset or FaultKind.CommitThenStall or FaultKind.MalformedBody } => ("POST", "*"),
                        { StatusCode: 404 } => ("PATCH", "/assistant/{id}"),
                        _ => ("*", "*"),
                    };
                    _server.Faults.Enqueue(method, path, fault);
                }

                var v = ++version;
                latest[o.Agent] = v;
                var known = o.Extra == 8 && ids.TryGetValue(o.Agent, out var old) && !old.IsEmpty ? old.First() : null;
                var store = schedule.Shared ? sharedStore : hosts[m].GetRequiredService<IAssistantStateStore>() as FlakyStore;
                store?.FailNextWrite(o.Extra == 7);
                batch.Add(SaveAsync(hosts[m].GetRequiredService<IVapiAssistantManager>(), org, o, v, known, errors, ids));
            }

            await Task.WhenAll(batch);

            // Quiescence, then one clean sync per agent on every live manager. Quiescence includes the server: a request
            // its client abandoned (cancelled, timed out) is still handled, and on a loaded machine it may create or
            // change an assistant after later requests — as Vapi may. No client can order itself after such a write.
            await _server.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _server.Faults.Clear();
            sharedStore.FailNextWrite(false);
            foreach (var (agent, v) in latest)
            {
                foreach (var host in hosts)
                {
                    (host.GetRequiredService<IAssistantStateStore>() as FlakyStore)?.FailNextWrite(false);
                    var request = Request(org, agent, v) with { Force = true };
                    if (IsValid(agent))
                    {
                        await CleanSyncAsync(_server, host.GetRequiredService<IVapiAssistantManager>(), request);
                    }
                }
            }

            await _server.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            foreach (var (agent, v) in latest)
            {
                if (!IsValid(agent))
                {
                    continue; // every save of it must have been rejected (checked with the errors below)
                }

                var held = _server.GetAssistants(account).Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{org}/{Uri.EscapeDataString(AgentPool[agent])}").ToList();

                Assert.True(held.Count == 1, $"agent {agent}: {held.Count} assistants\n{Trace(key)}");
                Assert.True($"v{v}" == held[0]["firstMessage"]!.GetValue<string>(), $"agent {agent}: holds {held[0]["firstMessage"]}, latest is v{v}\n{Trace(key)}");
            }

            foreach (var (error, callerCancelled) in errors)
            {
                Assert.True(error is VapiSyncException || (error is OperationCanceledException && callerCancelled), $"untyped: {error}");
                Assert.DoesNotContain(key, error.ToString(), StringComparison.Ordinal);
            }

            Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Message.Contains(key, StringComparison.Ordinal) || (r.Exception?.ToString().Contains(key, StringComparison.Ordinal) ?? false));
        }
        finally
        {
            _keys.Keys.TryRemove(org, out _);
        }
    }

    private string Trace(string key)
    {
        var fingerprint = Credentials.VapiCredential.ComputeFingerprint(key);
        return string.Join("\n", _server.Requests.Where(r => r.KeyFingerprint == fingerprint).Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Method} {r.Path}{r.Query} → {r.StatusCode} {r.Fault} {Brief(r.Body)}"));
    }

    private static string Brief(string? body) =>
        body is null ? string.Empty : System.Text.Json.Nodes.JsonNode.Parse(body) is { } json ? $"{json["firstMessage"]} {json["metadata"]?["vapiSyncKey"]}" : string.Empty;

    /// <summary>No fault is injected any more, but a loaded machine can still miss a short timeout, and a listing started before quiescence may have met a fault: retry.</summary>
    private static async Task CleanSyncAsync(FakeVapiServer server, IVapiAssistantManager manager, AssistantSyncRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await manager.EnsureAssistantAsync(request);
                return;
            }
            catch (VapiSyncException ex) when (attempt < 20 && ex is not Http.VapiValidationException)
            {
                // e.g. joining a listing an earlier (cancelled) save started before quiescence, which met a fault, or a
                // request that missed the suite's short timeout: let what it left in flight land before trying again.
                await server.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    private static async Task SaveAsync(
        IVapiAssistantManager manager, string org, Op o, int version, string? known, ConcurrentBag<(Exception, bool)> errors, ConcurrentDictionary<int, ConcurrentBag<string>> ids)
    {
        using var cancel = new CancellationTokenSource();
        if (o.CancelMs >= 0)
        {
            cancel.CancelAfter(o.CancelMs);
        }

        try
        {
            var result = await manager.EnsureAssistantAsync(Request(org, o.Agent, version) with { KnownAssistantId = known }, cancel.Token);
            ids.GetOrAdd(o.Agent, _ => []).Add(result.AssistantId);
            if (!IsValid(o.Agent))
            {
                errors.Add((new InvalidOperationException($"accepted the malformed agent id of agent {o.Agent}"), false));
            }
        }
        catch (Exception ex)
        {
            errors.Add((ex, cancel.IsCancellationRequested));
            if (!IsValid(o.Agent) && ex is not Http.VapiValidationException)
            {
                errors.Add((new InvalidOperationException($"malformed agent id not rejected by validation: {ex.GetType().Name}"), false));
            }
        }
    }

    private static bool IsValid(int agent) => !AgentPool[agent].Contains('\uD800', StringComparison.Ordinal);

    private static AssistantSyncRequest Request(string org, int agent, int version) =>
        new(org, AgentPool[agent], new AssistantDefinition { Name = "Adversarial", FirstMessage = $"v{version}" });

    private ServiceProvider Build(bool shared)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(_logs)));
        services.AddSingleton<IAssistantStateStore>(shared ? _sharedStore : new FlakyStore());
        if (shared)
        {
            services.AddSingleton<IAssistantSyncLock>(_sharedLock);
        }

        services.AddSingleton(_keys);
        services.AddVapiSync(o => o.BaseUrl = _server.BaseAddress)
            .AddCredentialProvider<KeyBook>()
            .ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(1);
                r.Retry.MaxRetryAttempts = 1;
                r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(40);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(2);
                r.CircuitBreaker.MinimumThroughput = 1_000_000; // faults of one schedule must not open the breaker for the next
            });
        services.AddSingleton<IOptionsMonitor<VapiSyncOptions>>(_options);
        return services.BuildServiceProvider();
    }

    /// <summary>Each schedule's organization → its own account's key.</summary>
    private sealed class KeyBook : ICredentialProvider
    {
        public ConcurrentDictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Keys.TryGetValue(organizationId, out var key) ? new VapiCredential(key, "KeyBook") : null);
    }

    /// <summary>One options instance the schedules change between runs (page size), seen by every manager.</summary>
    private sealed class MutableOptions : IOptionsMonitor<VapiSyncOptions>
    {
        public VapiSyncOptions Value { get; } = new();

        public VapiSyncOptions CurrentValue => Value;

        public VapiSyncOptions Get(string? name) => Value;

        public IDisposable? OnChange(Action<VapiSyncOptions, string?> listener) => null;
    }

    private sealed record Op(int Manager, int Agent, int Fault, int CancelMs, int Extra, bool Parallel);

    private sealed record Schedule(int Managers, bool Shared, int PageSize, Op[] Ops)
    {
        public override string ToString() => $"managers {Managers}, shared {Shared}, page {PageSize}, ops [{string.Join(", ", Ops.Select(o => o.ToString()))}]";
    }

    /// <summary>An in-memory store whose next write can be made to fail (as a database outage would).</summary>
    private sealed class FlakyStore : IAssistantStateStore
    {
        private readonly ConcurrentDictionary<(string, string), AssistantState> _states = new();
        private int _failNext;

        public void FailNextWrite(bool fail) => Volatile.Write(ref _failNext, fail ? 1 : 0);

        public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(_states.TryGetValue((organizationId, agentKey), out var s) ? s : null);

        public ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _failNext, 0) == 1)
            {
                throw new InvalidOperationException("simulated store outage");
            }

            _states[(organizationId, agentKey)] = state;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(_states.TryRemove((organizationId, agentKey), out _));
    }

    /// <summary>A lock shared by the managers of a schedule (what a cross-instance lock gives several processes).</summary>
    private sealed class TestLock : IAssistantSyncLock
    {
        private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _locks = new();

        public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
        {
            var semaphore = _locks.GetOrAdd((organizationId, agentKey), _ => new SemaphoreSlim(1, 1));
            await semaphore.WaitAsync(cancellationToken);
            return new Release(semaphore);
        }

        private sealed class Release(SemaphoreSlim semaphore) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                semaphore.Release();
                return ValueTask.CompletedTask;
            }
        }
    }
}
