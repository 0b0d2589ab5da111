using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// The bugs the randomized adversarial suite (<see cref="AdversarialSuiteTests"/>) found, each as one deterministic
/// scenario against the fake. Every test here failed on the commit before its fix and passes since.
/// </summary>
public sealed class SuiteFoundRegressionTests
{
    /// <summary>
    /// Bug: a state store or lock that throws (a database outage) escaped the sync as the store's own untyped exception
    /// (here <see cref="InvalidOperationException"/>). Fixed in f11968a: it surfaces as <see cref="VapiStateStoreException"/>
    /// with the store's exception inside.
    /// </summary>
    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("lock")]
    public async Task StateStoreOrLockThrows_SurfacesAsTypedStateStoreException(string failing)
    {
        var store = new SharedStore { FailReads = failing == "read", FailWrites = failing == "write" };
        await using var host = await IntegrationHost.StartAsync(build: b =>
        {
            store.Use(b);
            if (failing == "lock")
            {
                b.Services.Replace(ServiceDescriptor.Singleton<IAssistantSyncLock>(new BrokenLock()));
            }
        });

        var error = await Record.ExceptionAsync(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline()));

        var typed = Assert.IsAssignableFrom<VapiSyncException>(error);
        Assert.IsType<VapiStateStoreException>(typed);
        Assert.Equal(VapiErrorCodes.StateStoreFailed, typed.ErrorCode);
        Assert.IsType<InvalidOperationException>(typed.InnerException);
    }

    /// <summary>
    /// Bug: a create whose answer was lost, landing next to an assistant the agent already has (hidden from the index by a
    /// PATCH answered 404), was settled by adopting the older assistant and leaving the new one in place — two
    /// assistants carrying one sync key. Fixed in 05bd339: the listing after the lost create keeps one winner (oldest)
    /// and deletes the others.
    /// </summary>
    [Fact]
    public async Task LostCreateNextToTheKnownAssistant_AdoptsTheOlderAndDeletesTheNewOne()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var known = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.Faults.Enqueue("PATCH", "/assistant/{id}", Fault.Status(404));
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.CommitThenFail(500));

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct);

        Assert.Equal(known.AssistantId, result.AssistantId);
        var only = Assert.Single(host.AssistantsOf("agent-1"));
        Assert.Equal(known.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal("Changed", only["name"]!.GetValue<string>());
        Assert.Equal(2, host.Count("POST", "/assistant")); // the first create and the lost one: no third
    }

    /// <summary>
    /// Bug: duplicates of an agent's assistant that a listing showed (left by creates that could not converge) were never
    /// acted on: the next sync of the agent trusted its stored id and skipped or patched it, leaving the duplicate
    /// forever. Fixed in 05bd339: a key the index saw more than once is uncertain, so the sync looks it up and deletes the
    /// losers first.
    /// </summary>
    [Fact]
    public async Task DuplicatesAListingShowed_NextSyncOfTheAgentDeletesThem()
    {
        var store = new SharedStore();
        await using var a = await IntegrationHost.StartAsync(build: store.Use);
        var ct = IntegrationHost.Deadline();
        var mine = await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        // A second assistant carrying agent-1's key, created after ours (an unconverged concurrent create).
        var duplicate = a.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject
        {
            ["name"] = "Receptionist",
            ["metadata"] = new JsonObject { ["vapiSyncKey"] = "org-1/agent-1" },
        });

        // The fake stamps milliseconds: both may share one, and a tie goes to the smaller id. Make "after" explicit.
        var mineCreatedAt = a.AssistantsOf("agent-1").Single(x => x["id"]!.GetValue<string>() == mine.AssistantId)["createdAt"]!.GetValue<string>();
        var later = DateTimeOffset.Parse(mineCreatedAt, CultureInfo.InvariantCulture).AddSeconds(1);
        a.Server.ModifyAssistant(IntegrationHost.PlatformAccount, duplicate, x => x["createdAt"] = later.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

        // Another instance sharing the store lists the account (saving agent-2) and sees both; then agent-1 is saved there, unchanged.
        await using var b = a.Another(build: store.Use);
        await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "agent-2"), ct);
        Assert.Equal(2, a.AssistantsOf("agent-1").Count);
        var result = await b.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(mine.AssistantId, result.AssistantId);
        Assert.Equal(mine.AssistantId, Assert.Single(a.AssistantsOf("agent-1"))["id"]!.GetValue<string>());
        Assert.Contains(a.Server.Requests, r => r.Method == "DELETE" && r.Path == $"/assistant/{duplicate}");
    }

    /// <summary>
    /// Bug: the uncertainty of a create of unknown outcome lived only in the process's index, so a restart forgot it: the
    /// restarted instance trusted the stored id and the assistant the lost create had made stayed as a duplicate. Fixed in
    /// 05bd339: the stored state is flagged (<see cref="AssistantState.NeedsLookup"/>) and the next sync, in any instance
    /// sharing the store, lists and keeps one.
    /// </summary>
    [Fact]
    public async Task UncertainCreateThenRestart_RestartedInstanceListsAndKeepsOne()
    {
        var store = new SharedStore();
        await using var a = await IntegrationHost.StartAsync(build: store.Use);
        var ct = IntegrationHost.Deadline();
        var known = await a.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        // The PATCH is answered 404, the create's answer is lost after Vapi committed it, and the listing that would
        // settle it fails (all four attempts): the sync fails with the create's outcome unknown.
        a.Server.Faults.Enqueue("PATCH", "/assistant/{id}", Fault.Status(404));
        a.Server.Faults.Enqueue("POST", "/assistant", Fault.CommitThenReset());
        a.Server.Faults.Enqueue("GET", "/assistant", Fault.Status(503), times: 4);
        var failed = await Record.ExceptionAsync(() => a.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct));
        Assert.IsAssignableFrom<VapiSyncException>(failed);
        Assert.Equal(2, a.AssistantsOf("agent-1").Count);

        // Restart: fresh memory, the same store; the host saves again.
        a.Server.Faults.Clear();
        await using var restarted = a.Another(build: store.Use);
        var result = await restarted.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct);

        Assert.Equal(known.AssistantId, result.AssistantId);
        var only = Assert.Single(a.AssistantsOf("agent-1"));
        Assert.Equal(known.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal("Changed", only["name"]!.GetValue<string>());
    }

    /// <summary>
    /// Bug: Vapi's explicit <c>Retry-After: 0</c> on a refused create was treated as absent and waited a full second. Fixed
    /// in f11968a: an explicit 0 is honoured. The library's clock is frozen, so a one-second wait never ends and the
    /// test's deadline fails it.
    /// </summary>
    [Fact]
    public async Task CreateRefusedWithRetryAfterZero_RetriedWithoutWaiting()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        await using var host = await IntegrationHost.StartAsync(build: b => b.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.Status(429, TimeSpan.Zero));

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline(10));

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal([429, 201], host.Server.Requests.Where(r => r.Method == "POST").Select(r => r.StatusCode));
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    /// <summary>A store two instances share (a restarted process sees what the first wrote); its reads or writes can be made to fail.</summary>
    private sealed class SharedStore : IAssistantStateStore
    {
        private readonly ConcurrentDictionary<(string, string), AssistantState> _states = new();

        public bool FailReads { get; init; }

        public bool FailWrites { get; init; }

        /// <summary>Makes a host use this store instead of its own in-memory one.</summary>
        public void Use(IVapiSyncBuilder builder) => builder.Services.Replace(ServiceDescriptor.Singleton<IAssistantStateStore>(this));

        public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            FailReads ? throw new InvalidOperationException("simulated store outage")
                : ValueTask.FromResult(_states.TryGetValue((organizationId, agentKey), out var s) ? s : null);

        public ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
        {
            if (FailWrites)
            {
                throw new InvalidOperationException("simulated store outage");
            }

            _states[(organizationId, agentKey)] = state;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(_states.TryRemove((organizationId, agentKey), out _));
    }

    private sealed class BrokenLock : IAssistantSyncLock
    {
        public ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("simulated lock outage");
    }
}
